"""Static literature-review site generator: papers in, MkDocs site out."""
