-- The built-in offers' copy names the plan's cadence in words ({cadence}, {newCadence}: 「1ヶ月ごと」
-- for a monthly plan) instead of `{intervalDays}日ごと`, which called a monthly plan 「30日ごと」. A day
-- plan's copy reads byte for byte as before. Only offers whose copy is still the built-in one
-- (templateVersion 1, all four texts unchanged) are rewritten, and get templateVersion 2; a shop's
-- own copy is its own (it can use {cadence} via PUT /v1/offers). The offers triggers (0004) give the
-- tenants whose catalogue changed a new offers_version, so no process keeps the old copy.
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.title.ja', 'お届け間隔を{newCadence}に変更',
    '$.copy.title.en', 'Deliver {newCadence} instead',
    '$.copy.description.ja', 'お届け間隔を{cadence}から{newCadence}に変更し、実際のご使用ペースに合わせます。1回のお届け内容と金額（{price}）は変わりません。次回のお届けは{nextDeliveryOn}、その次は{followingDeliveryOn}です。',
    '$.copy.description.en', 'We change your delivery interval from {cadence} to {newCadence} to match how fast you actually use it. Each delivery and its price ({price}) stay the same. Your next delivery is on {nextDeliveryOn}, the one after on {followingDeliveryOn}.',
    '$.templateVersion', 2)
  WHERE `id` = 'off_match_interval'
    AND json_extract(`definition`, '$.templateVersion') = 1
    AND json_extract(`definition`, '$.copy.title.ja') = 'お届け間隔を{newIntervalDays}日ごとに変更'
    AND json_extract(`definition`, '$.copy.title.en') = 'Deliver every {newIntervalDays} days instead'
    AND json_extract(`definition`, '$.copy.description.ja') = 'お届け間隔を{intervalDays}日ごとから{newIntervalDays}日ごとに変更し、実際のご使用ペースに合わせます。1回のお届け内容と金額（{price}）は変わりません。次回のお届けは{nextDeliveryOn}、その次は{followingDeliveryOn}です。'
    AND json_extract(`definition`, '$.copy.description.en') = 'We change your delivery interval from every {intervalDays} days to every {newIntervalDays} days to match how fast you actually use it. Each delivery and its price ({price}) stay the same. Your next delivery is on {nextDeliveryOn}, the one after on {followingDeliveryOn}.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '{skippedDeliveryOn}のお届けをお休みし、次回は{newNextDeliveryOn}にお届けします。その後はこれまで通り{cadence}・{price}です。スキップした回のお支払いはありません。',
    '$.copy.description.en', 'We skip the delivery on {skippedDeliveryOn}; your next delivery is on {newNextDeliveryOn}. After that, deliveries continue {cadence} at {price}. You pay nothing for the skipped delivery.',
    '$.templateVersion', 2)
  WHERE `id` = 'off_skip_next'
    AND json_extract(`definition`, '$.templateVersion') = 1
    AND json_extract(`definition`, '$.copy.title.ja') = '次回のお届けをスキップ'
    AND json_extract(`definition`, '$.copy.title.en') = 'Skip your next delivery'
    AND json_extract(`definition`, '$.copy.description.ja') = '{skippedDeliveryOn}のお届けをお休みし、次回は{newNextDeliveryOn}にお届けします。その後はこれまで通り{intervalDays}日ごと・{price}です。スキップした回のお支払いはありません。'
    AND json_extract(`definition`, '$.copy.description.en') = 'We skip the delivery on {skippedDeliveryOn}; your next delivery is on {newNextDeliveryOn}. After that, deliveries continue every {intervalDays} days at {price}. You pay nothing for the skipped delivery.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '1回のお届けを{quantity}個から{newQuantity}個に減らし、1回あたりのお支払いは{price}から{newPrice}になります。お届け間隔（{cadence}）は変わりません。',
    '$.copy.description.en', 'Each delivery goes from {quantity} to {newQuantity} and you pay {newPrice} per delivery instead of {price}. The interval ({cadence}) stays the same.',
    '$.templateVersion', 2)
  WHERE `id` = 'off_quantity_down'
    AND json_extract(`definition`, '$.templateVersion') = 1
    AND json_extract(`definition`, '$.copy.title.ja') = '1回のお届けを{newQuantity}個に減らす'
    AND json_extract(`definition`, '$.copy.title.en') = 'Reduce each delivery to {newQuantity}'
    AND json_extract(`definition`, '$.copy.description.ja') = '1回のお届けを{quantity}個から{newQuantity}個に減らし、1回あたりのお支払いは{price}から{newPrice}になります。お届け間隔（{intervalDays}日ごと）は変わりません。'
    AND json_extract(`definition`, '$.copy.description.en') = 'Each delivery goes from {quantity} to {newQuantity} and you pay {newPrice} per delivery instead of {price}. The interval (every {intervalDays} days) stays the same.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '{firstChangedOn}のお届けから、{productName}を{toName}に変更します。1回あたりのお支払いは{newPrice}です（現在は{price}）。お届け間隔は{cadence}のままです。',
    '$.copy.description.en', 'From your delivery on {firstChangedOn} we send {toName} instead of {productName}, at {newPrice} per delivery (now {price}). The interval stays {cadence}.',
    '$.templateVersion', 2)
  WHERE `id` = 'off_product_swap'
    AND json_extract(`definition`, '$.templateVersion') = 1
    AND json_extract(`definition`, '$.copy.title.ja') = '{toName}への変更'
    AND json_extract(`definition`, '$.copy.title.en') = 'Switch to {toName}'
    AND json_extract(`definition`, '$.copy.description.ja') = '{firstChangedOn}のお届けから、{productName}を{toName}に変更します。1回あたりのお支払いは{newPrice}です（現在は{price}）。お届け間隔は{intervalDays}日ごとのままです。'
    AND json_extract(`definition`, '$.copy.description.en') = 'From your delivery on {firstChangedOn} we send {toName} instead of {productName}, at {newPrice} per delivery (now {price}). The interval stays every {intervalDays} days.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '{nextDeliveryOn}以降のお届けを{resumeOn}までお休みし、{resumeOn}から{cadence}・{price}で自動的に再開します。お休み中のお支払いはありません。お休みの途中で再開することもできます。',
    '$.copy.description.en', 'Deliveries pause from {nextDeliveryOn} and restart automatically on {resumeOn}, {cadence} at {price}. Nothing is charged while paused, and you can resume earlier.',
    '$.templateVersion', 2)
  WHERE `id` = 'off_pause'
    AND json_extract(`definition`, '$.templateVersion') = 1
    AND json_extract(`definition`, '$.copy.title.ja') = '{resumeOn}までお休み（一時停止）'
    AND json_extract(`definition`, '$.copy.title.en') = 'Pause until {resumeOn}'
    AND json_extract(`definition`, '$.copy.description.ja') = '{nextDeliveryOn}以降のお届けを{resumeOn}までお休みし、{resumeOn}から{intervalDays}日ごと・{price}で自動的に再開します。お休み中のお支払いはありません。お休みの途中で再開することもできます。'
    AND json_extract(`definition`, '$.copy.description.en') = 'Deliveries pause from {nextDeliveryOn} and restart automatically on {resumeOn}, every {intervalDays} days at {price}. Nothing is charged while paused, and you can resume earlier.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '{nextDeliveryOn}のお届けを、{earliestDeliveryOn}から{latestDeliveryOn}までのご希望の日に変更できます。お届け先の変更もあわせて承ります。その後は{cadence}のお届けです。',
    '$.copy.description.en', 'Move the delivery planned for {nextDeliveryOn} to any day from {earliestDeliveryOn} to {latestDeliveryOn}. You can update the delivery address at the same time. Deliveries then continue {cadence}.',
    '$.templateVersion', 2)
  WHERE `id` = 'off_move_delivery'
    AND json_extract(`definition`, '$.templateVersion') = 1
    AND json_extract(`definition`, '$.copy.title.ja') = '次回のお届け日を変更（{latestDeliveryOn}まで）'
    AND json_extract(`definition`, '$.copy.title.en') = 'Move your next delivery (up to {latestDeliveryOn})'
    AND json_extract(`definition`, '$.copy.description.ja') = '{nextDeliveryOn}のお届けを、{earliestDeliveryOn}から{latestDeliveryOn}までのご希望の日に変更できます。お届け先の変更もあわせて承ります。その後は{intervalDays}日ごとのお届けです。'
    AND json_extract(`definition`, '$.copy.description.en') = 'Move the delivery planned for {nextDeliveryOn} to any day from {earliestDeliveryOn} to {latestDeliveryOn}. You can update the delivery address at the same time. Deliveries then continue every {intervalDays} days.';
