-- The built-in skip offer said 「{skippedDeliveryOn}のお届けをお休みし」: お休み is the pause's word
-- (the my-page's 「お届けをお休み」, the pause offer), so a customer read a skip as a pause (trial24).
-- It says 「スキップし」, as its title and its last sentence do. Rewritten only where the copy is still
-- the built-in one (templateVersion 2, both descriptions unchanged), which gets templateVersion 3; a
-- shop's own copy is its own. The offers triggers (0004) give the tenants whose catalogue changed a
-- new offers_version.
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '{skippedDeliveryOn}のお届けをスキップし、次回は{newNextDeliveryOn}にお届けします。その後はこれまで通り{cadence}・{price}です。スキップした回のお支払いはありません。',
    '$.templateVersion', 3)
  WHERE `id` = 'off_skip_next'
    AND json_extract(`definition`, '$.templateVersion') = 2
    AND json_extract(`definition`, '$.copy.description.ja') = '{skippedDeliveryOn}のお届けをお休みし、次回は{newNextDeliveryOn}にお届けします。その後はこれまで通り{cadence}・{price}です。スキップした回のお支払いはありません。'
    AND json_extract(`definition`, '$.copy.description.en') = 'We skip the delivery on {skippedDeliveryOn}; your next delivery is on {newNextDeliveryOn}. After that, deliveries continue {cadence} at {price}. You pay nothing for the skipped delivery.';
