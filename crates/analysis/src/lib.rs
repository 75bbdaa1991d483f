//! strand-analysis
