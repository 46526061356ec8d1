"""`local/<name|path>`: the embedded Gemma 3 270M, or any local transformers model or GGUF file.

Importing this package is cheap; torch and transformers load when a model is constructed.
"""

from trustbench.providers.local.api import LocalModelAPI

__all__ = ["LocalModelAPI"]
