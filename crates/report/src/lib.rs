//! strand-report
