"""Search providers behind one async interface."""
