//! Frameworks, self-assessments, 360° feedback and development plans.
