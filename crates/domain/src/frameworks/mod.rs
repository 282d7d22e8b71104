//! Leadership frameworks as data, self-assessment and 360° feedback rules.
