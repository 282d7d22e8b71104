//! The knowledge hub: topics and case studies (being written).
