ALTER TABLE tier_history ALTER COLUMN month TYPE TEXT COLLATE "default";
