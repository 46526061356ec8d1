"""trustbench: hallucination and safety evaluations on inspect-ai."""
