-- Values written by one run of dev and read by the next.
CREATE TABLE kept (name TEXT PRIMARY KEY, value TEXT NOT NULL);
