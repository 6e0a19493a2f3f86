-- At most one code in use per shop item: two simultaneous first shares of an item could each
-- make one. Codes made twice by that race before this index are revoked, keeping the oldest.
UPDATE share_codes SET revoked_at = created_at
WHERE revoked_at IS NULL
  AND EXISTS (SELECT 1 FROM share_codes older
              WHERE older.shop_item_id = share_codes.shop_item_id
                AND older.revoked_at IS NULL
                AND (older.created_at < share_codes.created_at
                     OR (older.created_at = share_codes.created_at AND older.code < share_codes.code)));
CREATE UNIQUE INDEX share_codes_one_active_idx ON share_codes (shop_item_id) WHERE revoked_at IS NULL;
