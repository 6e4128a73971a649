//! Terminal interface (ratatui): a thin layer over the domain modules.
