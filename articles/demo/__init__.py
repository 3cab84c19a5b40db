"""Demo content for local development and reviews: fictional people, real references, fresh plain-English articles."""
