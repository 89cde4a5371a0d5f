"""The seed's Azure OpenAI sample: point it at the kit with the key from your registration page."""
import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["ENDPOINT_URL"],  # e.g. http://192.168.1.20:8000/api/v1
    api_key=os.environ["API_KEY"],
    api_version="2025-01-01-preview",
)
MODEL_NAME = os.environ.get("MODEL_NAME", "playground")
MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Who won the world series in 2020?"},
]

completion = client.chat.completions.create(model=MODEL_NAME, messages=MESSAGES)
print(completion.choices[0].message.content)

for chunk in client.chat.completions.create(model=MODEL_NAME, messages=MESSAGES, stream=True):
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content, end="", flush=True)
print()
