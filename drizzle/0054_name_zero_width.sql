-- Zero-width characters a person's name never needs (platform/name-keys withoutZeroWidth): U+200B, U+2060 and U+FEFF
-- removed from the names, readings and their search keys stored before the sync removed them (山田\u200B太郎 → 山田太郎), so the
-- operators' name search finds them and they show as they read. No fold step reads these characters, so the stored key
-- without them is the cleaned name's key (unless one sat inside a kana pair the fold joins, e.g. ｶ\u200Bﾞ: a later sync
-- of the customer rewrites it). U+200C/U+200D, which emoji and some scripts need, are left to the next sync, which
-- decides by their neighbours. Only rows holding one are touched; migration 0049's update trigger rewrites their keys.
UPDATE `customers` SET `name` = replace(replace(replace(`name`, char(8203), ''), char(8288), ''), char(65279), ''), `name_kana` = replace(replace(replace(`name_kana`, char(8203), ''), char(8288), ''), char(65279), ''), `name_key` = nullif(replace(replace(replace(`name_key`, char(8203), ''), char(8288), ''), char(65279), ''), ''), `name_kana_key` = nullif(replace(replace(replace(`name_kana_key`, char(8203), ''), char(8288), ''), char(65279), ''), '')
WHERE `erased_at` IS NULL AND ((instr(`name`, char(8203)) > 0 OR instr(`name`, char(8288)) > 0 OR instr(`name`, char(65279)) > 0) OR (instr(`name_kana`, char(8203)) > 0 OR instr(`name_kana`, char(8288)) > 0 OR instr(`name_kana`, char(65279)) > 0));
