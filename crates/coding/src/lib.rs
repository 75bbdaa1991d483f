//! strand-coding
