/** Vite hands `?raw` imports over as the file's text (the docs bundled into the console). */
declare module '*.md?raw' {
  const text: string;
  export default text;
}
