/**
 * A local port that refuses connections. Port 1 (tcpmux) is below the range the OS hands out for port 0, so no
 * test server of this suite (or of anything else on the machine) can be given it, unlike a port that was free a
 * moment ago: a test that closed its own listener and reused the number could meet another test's server there.
 */
export const REFUSED_PORT = 1;
