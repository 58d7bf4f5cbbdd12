-- The built-in discount offers named the commitment 「継続のお約束」 where the cancellation screen,
-- its receipt and the comeback mails say 「回数のお約束」; they now say 「この割引で回数のお約束が
-- 増えることはありません」. The built-in pause offer said its one date twice, as the pause's last day
-- and as the restart (「{resumeOn}までお休み（一時停止）」「…{resumeOn}までお休みし、{resumeOn}から…
-- 再開します」): it now names it once, as the delivery it restarts with, and drops the second word
-- for お休み. Rewritten only where the copy is still the built-in one (templateVersion 2, all four
-- texts unchanged), which gets templateVersion 3; a shop's own copy is its own. The offers triggers
-- (0004) give the tenants whose catalogue changed a new offers_version.
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.description.ja', '{firstDiscountedOn}のお届けから{cycles}回分（最終回は{lastDiscountedOn}のお届け）が{discountLabel}の{discountedPrice}になります。{firstFullPriceOn}のお届けからは通常価格の{priceAfter}に戻ります。この割引で回数のお約束が増えることはありません。',
    '$.templateVersion', 3)
  WHERE `id` IN ('off_discount_20x2', 'off_discount_15x3')
    AND json_extract(`definition`, '$.templateVersion') = 2
    AND json_extract(`definition`, '$.copy.title.ja') = '{discountedDeliveries}が{discountLabel}'
    AND json_extract(`definition`, '$.copy.title.en') = '{discountLabel} {discountedDeliveries}'
    AND json_extract(`definition`, '$.copy.description.ja') = '{firstDiscountedOn}のお届けから{cycles}回分（最終回は{lastDiscountedOn}のお届け）が{discountLabel}の{discountedPrice}になります。{firstFullPriceOn}のお届けからは通常価格の{priceAfter}に戻ります。この割引で継続のお約束が増えることはありません。'
    AND json_extract(`definition`, '$.copy.description.en') = 'Your {cycles} deliveries from {firstDiscountedOn} (the last one on {lastDiscountedOn}) cost {discountedPrice} each ({discountLabel}). From the delivery on {firstFullPriceOn}, the regular price of {priceAfter} applies again. This discount adds no commitment.';--> statement-breakpoint
UPDATE `offers` SET `definition` = json_set(`definition`,
    '$.copy.title.ja', 'お届けをお休みし、{resumeOn}のお届けから再開',
    '$.copy.description.ja', '{nextDeliveryOn}以降のお届けをお休みし、{resumeOn}のお届けから{cadence}・{price}で自動的に再開します。お休み中のお支払いはありません。お休みの途中で再開することもできます。',
    '$.templateVersion', 3)
  WHERE `id` = 'off_pause'
    AND json_extract(`definition`, '$.templateVersion') = 2
    AND json_extract(`definition`, '$.copy.title.ja') = '{resumeOn}までお休み（一時停止）'
    AND json_extract(`definition`, '$.copy.title.en') = 'Pause until {resumeOn}'
    AND json_extract(`definition`, '$.copy.description.ja') = '{nextDeliveryOn}以降のお届けを{resumeOn}までお休みし、{resumeOn}から{cadence}・{price}で自動的に再開します。お休み中のお支払いはありません。お休みの途中で再開することもできます。'
    AND json_extract(`definition`, '$.copy.description.en') = 'Deliveries pause from {nextDeliveryOn} and restart automatically on {resumeOn}, {cadence} at {price}. Nothing is charged while paused, and you can resume earlier.';
