//! strand-table
