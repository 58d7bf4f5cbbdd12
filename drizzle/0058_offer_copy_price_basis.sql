-- The built-in copy of three offers put the price in parentheses (「金額（{price}）」, 「{newPrice}です（現在は
-- {price}）」, 「お支払い金額（{price}）」). A price now carries its tax basis (settings pricesIncludeTax: 「3,980円
-- （税込）」), which would nest parentheses; the sentences are reworded so the price stands in the text
-- (「金額は変わらず、{price}のままです」, 「現在の{price}から{newPrice}になります」, 「お支払い金額は{price}のまま」).
-- Rewritten only where the copy is still the built-in one (templateVersion 2, all four texts unchanged),
-- which gets templateVersion 3; a shop's own copy is its own. The offers triggers (0004) give the
-- tenants whose catalogue changed a new offers_version.
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', 'お届け間隔を{cadence}から{newCadence}に変更し、実際のご使用ペースに合わせます。1回のお届け内容と金額は変わらず、{price}のままです。次回のお届けは{nextDeliveryOn}、その次は{followingDeliveryOn}です。',
    '$.templateVersion', 3)
  WHERE `id` = 'off_match_interval'
    AND json_extract(`definition`, '$.templateVersion') = 2
    AND json_extract(`definition`, '$.copy.title.ja') = 'お届け間隔を{newCadence}に変更'
    AND json_extract(`definition`, '$.copy.title.en') = 'Deliver {newCadence} instead'
    AND json_extract(`definition`, '$.copy.description.ja') = 'お届け間隔を{cadence}から{newCadence}に変更し、実際のご使用ペースに合わせます。1回のお届け内容と金額（{price}）は変わりません。次回のお届けは{nextDeliveryOn}、その次は{followingDeliveryOn}です。'
    AND json_extract(`definition`, '$.copy.description.en') = 'We change your delivery interval from {cadence} to {newCadence} to match how fast you actually use it. Each delivery and its price ({price}) stay the same. Your next delivery is on {nextDeliveryOn}, the one after on {followingDeliveryOn}.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '{firstChangedOn}のお届けから、{productName}を{toName}に変更します。1回あたりのお支払いは現在の{price}から{newPrice}になります。お届け間隔は{cadence}のままです。',
    '$.templateVersion', 3)
  WHERE `id` = 'off_product_swap'
    AND json_extract(`definition`, '$.templateVersion') = 2
    AND json_extract(`definition`, '$.copy.title.ja') = '{toName}への変更'
    AND json_extract(`definition`, '$.copy.title.en') = 'Switch to {toName}'
    AND json_extract(`definition`, '$.copy.description.ja') = '{firstChangedOn}のお届けから、{productName}を{toName}に変更します。1回あたりのお支払いは{newPrice}です（現在は{price}）。お届け間隔は{cadence}のままです。'
    AND json_extract(`definition`, '$.copy.description.en') = 'From your delivery on {firstChangedOn} we send {toName} instead of {productName}, at {newPrice} per delivery (now {price}). The interval stays {cadence}.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', 'ご不便をおかけし申し訳ありません。{firstChangedOn}のお届けに{giftName}を無料で同梱します。お支払い金額は{price}のまま、お届け内容も変わりません。',
    '$.templateVersion', 3)
  WHERE `id` = 'off_apology_gift'
    AND json_extract(`definition`, '$.templateVersion') = 2
    AND json_extract(`definition`, '$.copy.title.ja') = '{firstChangedDelivery}に{giftName}をお付けします'
    AND json_extract(`definition`, '$.copy.title.en') = '{giftName} with {firstChangedDelivery}, free'
    AND json_extract(`definition`, '$.copy.description.ja') = 'ご不便をおかけし申し訳ありません。{firstChangedOn}のお届けに{giftName}を無料で同梱します。お支払い金額（{price}）とお届け内容は変わりません。'
    AND json_extract(`definition`, '$.copy.description.en') = 'We''re sorry for the trouble. We add {giftName} to your delivery on {firstChangedOn} free of charge. Your price ({price}) and regular items stay the same.';
