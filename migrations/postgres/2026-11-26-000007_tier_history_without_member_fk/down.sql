ALTER TABLE tier_history ADD CONSTRAINT tier_history_member_id_fkey
    FOREIGN KEY (member_id) REFERENCES members (id);
