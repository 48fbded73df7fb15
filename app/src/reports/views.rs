//! Report pages.
