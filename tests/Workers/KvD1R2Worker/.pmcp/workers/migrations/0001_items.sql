-- The table the D1 routes of KvD1R2Worker use.
CREATE TABLE items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  count INTEGER,
  price REAL,
  data BLOB
);
