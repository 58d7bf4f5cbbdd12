-- The built-in discount and gift titles name the deliveries as the offer's terms apply them
-- ({discountedDeliveries}, {firstChangedDelivery}) instead of 「次の{cycles}回のお届け」/「次回のお届け」:
-- when the next delivery is inside the change cut-off, the discount or gift starts with the one
-- after it, and the title promised a delivery the terms did not cover (有利誤認). A plan whose next
-- delivery can still be changed reads the same words as before. Only offers whose copy is still
-- the built-in one (templateVersion 1, all four texts unchanged) are rewritten, and get
-- templateVersion 2; a shop's own copy is its own (an offer whose own words say 「次回」「次の」/"next"
-- is not shown on a day it starts after the next delivery). The offers triggers (0004) give the
-- tenants whose catalogue changed a new offers_version, so no process keeps the old copy.
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.title.ja', '{discountedDeliveries}が{discountLabel}',
    '$.copy.title.en', '{discountLabel} {discountedDeliveries}',
    '$.templateVersion', 2)
  WHERE `id` IN ('off_discount_20x2', 'off_discount_15x3')
    AND json_extract(`definition`, '$.templateVersion') = 1
    AND json_extract(`definition`, '$.copy.title.ja') = '次の{cycles}回のお届けが{discountLabel}'
    AND json_extract(`definition`, '$.copy.title.en') = '{discountLabel} your next {cycles} deliveries'
    AND json_extract(`definition`, '$.copy.description.ja') = '{firstDiscountedOn}のお届けから{cycles}回分（最終回は{lastDiscountedOn}のお届け）が{discountLabel}の{discountedPrice}になります。{firstFullPriceOn}のお届けからは通常価格の{priceAfter}に戻ります。この割引で継続のお約束が増えることはありません。'
    AND json_extract(`definition`, '$.copy.description.en') = 'Your {cycles} deliveries from {firstDiscountedOn} (the last one on {lastDiscountedOn}) cost {discountedPrice} each ({discountLabel}). From the delivery on {firstFullPriceOn}, the regular price of {priceAfter} applies again. This discount adds no commitment.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.title.ja', '{firstChangedDelivery}に{giftName}をお付けします',
    '$.copy.title.en', '{giftName} with {firstChangedDelivery}, free',
    '$.templateVersion', 2)
  WHERE `id` = 'off_apology_gift'
    AND json_extract(`definition`, '$.templateVersion') = 1
    AND json_extract(`definition`, '$.copy.title.ja') = '次回のお届けに{giftName}をお付けします'
    AND json_extract(`definition`, '$.copy.title.en') = '{giftName} with your next delivery, free'
    AND json_extract(`definition`, '$.copy.description.ja') = 'ご不便をおかけし申し訳ありません。{firstChangedOn}のお届けに{giftName}を無料で同梱します。お支払い金額（{price}）とお届け内容は変わりません。'
    AND json_extract(`definition`, '$.copy.description.en') = 'We''re sorry for the trouble. We add {giftName} to your delivery on {firstChangedOn} free of charge. Your price ({price}) and regular items stay the same.';
