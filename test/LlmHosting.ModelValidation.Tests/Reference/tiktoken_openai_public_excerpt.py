# Excerpt of openai/tiktoken tiktoken_ext/openai_public.py at commit 4e71bbe0c078468e00fefbf94b39849389f346e5 (MIT licence),
# kept verbatim so that a test compares llmhost's published hash with tiktoken's own text.
def o200k_base():
    mergeable_ranks = load_tiktoken_bpe(
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        expected_hash="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    )
