-- The built-in "move the next delivery" offer promised 「お届け先の変更もあわせて承ります」 / "You can
-- update the delivery address at the same time", which taking it does not do (it moves the date
-- only): a promise the product does not keep (consumer-law review, trial15). Rewritten only where
-- the copy is still the built-in one (templateVersion 2, both descriptions unchanged), which gets
-- templateVersion 3; a shop's own copy is its own. The offers triggers (0004) give the tenants
-- whose catalogue changed a new offers_version.
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '{nextDeliveryOn}のお届けを、{earliestDeliveryOn}から{latestDeliveryOn}までのご希望の日に変更できます。その後は{cadence}のお届けです。',
    '$.copy.description.en', 'Move the delivery planned for {nextDeliveryOn} to any day from {earliestDeliveryOn} to {latestDeliveryOn}. Deliveries then continue {cadence}.',
    '$.templateVersion', 3)
  WHERE `id` = 'off_move_delivery'
    AND json_extract(`definition`, '$.templateVersion') = 2
    AND json_extract(`definition`, '$.copy.description.ja') = '{nextDeliveryOn}のお届けを、{earliestDeliveryOn}から{latestDeliveryOn}までのご希望の日に変更できます。お届け先の変更もあわせて承ります。その後は{cadence}のお届けです。'
    AND json_extract(`definition`, '$.copy.description.en') = 'Move the delivery planned for {nextDeliveryOn} to any day from {earliestDeliveryOn} to {latestDeliveryOn}. You can update the delivery address at the same time. Deliveries then continue {cadence}.';
