"""What every product shares between its corpus and its model: the vocabulary, the held-out split,
shifting targets into inputs, one-hot arrays, content digests, and Kneser-Ney n-gram baselines."""
