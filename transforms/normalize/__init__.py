"""Normalisers: one raw report value in, one clean value (or a stated problem) out."""
