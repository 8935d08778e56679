import type { RouteRule } from '../route-rule';

/**
 * The route Junction ships as an example: a Shopify `orders/create` webhook → `erp.sales-order.create`.
 *
 * - externalRef: `shopify:<order id>`, the ERP worker's natural key. The id is taken from the
 *   `admin_graphql_api_id` string when there is one: the numeric `id` has passed through JSON.parse, and ids
 *   above 2^53 (Shopify's own samples use 18 digits) come out rounded, so two orders could share a key.
 * - customerName: the billing company, else the customer's first + last name, else the billing name, else
 *   the order's email (a guest checkout may have no customer and no names).
 * - transactionDate: the date part of `created_at`, which Shopify writes in the shop's time zone (the
 *   merchant's day, not UTC's). deliveryDate: the same day; Shopify orders carry no promised date and ERPNext
 *   only requires delivery ≥ transaction.
 * - items: itemCode = the SKU, else `SHOPIFY-<variant id>`, else `SHOPIFY-<product id>`, else
 *   `SHOPIFY-LINE-<line id>` (custom line items have neither); rate = the unit price before discounts.
 *   Discounts and shipping are not lines: grandTotal carries Shopify's total for reconciliation.
 * - email: only when present and plausible; the contract would reject an empty string.
 */
export const shopifyOrdersCreateRoute: RouteRule = {
  name: 'shopify-orders-to-erp',
  eventTypes: ['orders/create'],
  command: 'erp.sales-order.create',
  mapping: `(
  $text := function($v) { $type($v) = "string" and $trim($v) != "" ? $trim($v) };
  $gid := $text(admin_graphql_api_id);
  $orderId := $gid ? $substringAfter($gid, "gid://shopify/Order/") : $string(id);
  $personName := $text($join([customer.first_name, customer.last_name][$text($)], " "));
  $date := $substring(created_at, 0, 10);
  {
    "externalRef": "shopify:" & $orderId,
    "customerName": $substring(
      $text(billing_address.company) ? $text(billing_address.company)
      : $personName ? $personName
      : $text(billing_address.name) ? $text(billing_address.name)
      : $text(email), 0, 140),
    "transactionDate": $date,
    "deliveryDate": $date,
    "currency": currency,
    "email": $contains($text(email) ? email : "", /^[^@\\s]+@[^@\\s]+$/) ? $trim(email),
    "items": [line_items.{
      "itemCode": $text(sku) ? $text(sku)
        : variant_id ? "SHOPIFY-" & $string(variant_id)
        : product_id ? "SHOPIFY-" & $string(product_id)
        : "SHOPIFY-LINE-" & $string(id),
      "itemName": $text(title) ? $substring($text(title), 0, 140),
      "qty": quantity,
      "rate": $number(price)
    }],
    "grandTotal": $number(total_price)
  }
)`,
};
