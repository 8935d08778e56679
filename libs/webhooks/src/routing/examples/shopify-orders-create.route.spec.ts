import { createMessage, erpSalesOrderCreate } from '@junction/contracts';
import { compileRoutes } from '../compile-routes';
import { JsonataEvaluator } from '../jsonata.evaluator';
import { mapEvent, type ReceivedWebhook } from '../map-event';
import { routeRulesSchema } from '../route-rule';
import { shopifyOrdersCreateRoute } from './shopify-orders-create.route';
import { shopifyOrdersCreateSample, shopifyOrdersCreateSampleCommand } from './shopify-orders-create.sample';

/** A fresh copy of the sample body, as webhook-ingress parsed it. */
const fixture = () => shopifyOrdersCreateSample() as Record<string, any>;

const received = (payload: unknown, eventType = 'orders/create'): ReceivedWebhook => ({
  endpointId: 'shopify-main',
  provider: 'shopify',
  eventType,
  eventId: 'b1f4f6e2-3a56-4c59-9e0d-6f1c1d2e3f40',
  receivedAt: '2022-01-01T00:00:05.000Z',
  headers: { 'x-shopify-topic': eventType, 'x-shopify-shop-domain': 'jsmith.myshopify.com' },
  payload,
});

describe('example route: Shopify orders/create → erp.sales-order.create', () => {
  const evaluator = new JsonataEvaluator();
  const routes = compileRoutes([shopifyOrdersCreateRoute], { evaluator });
  const map = async (payload: unknown) => {
    const [command, ...more] = await mapEvent(routes, received(payload));
    expect(more).toHaveLength(0);
    return command!.payload as ReturnType<typeof erpSalesOrderCreate.command.payload.parse>;
  };
  afterAll(() => evaluator.close());

  it('is a valid rule set of one route', () => {
    expect(routeRulesSchema.parse([shopifyOrdersCreateRoute])).toEqual([shopifyOrdersCreateRoute]);
    expect(shopifyOrdersCreateRoute.name).toBe('shopify-orders-to-erp');
  });

  it("maps Shopify's sample order into a command the contract accepts", async () => {
    const [command] = await mapEvent(routes, received(fixture()));
    expect(command).toMatchObject({ route: 'shopify-orders-to-erp', command: 'erp.sales-order.create' });
    expect(command!.payload).toEqual(shopifyOrdersCreateSampleCommand);
    // The consumer's side of the contract, and the producer's (createMessage parses).
    expect(erpSalesOrderCreate.command.payload.safeParse(command!.payload).success).toBe(true);
    expect(() => createMessage('erp.sales-order.create', command!.payload as never, { tenantId: 't1' })).not.toThrow();
  });

  it('takes the order id from admin_graphql_api_id: a numeric id above 2^53 arrives rounded', async () => {
    const order = fixture();
    // Shopify's own samples use 18-digit ids; webhook-ingress's JSON.parse rounds them.
    order.id = JSON.parse('820982911946154508');
    order.admin_graphql_api_id = 'gid://shopify/Order/820982911946154508';
    expect(String(order.id)).toBe('820982911946154500');
    expect((await map(order)).externalRef).toBe('shopify:820982911946154508');
    delete order.admin_graphql_api_id;
    order.id = 5208334008572;
    expect((await map(order)).externalRef).toBe('shopify:5208334008572');
  });

  it('names the customer by billing company, else customer name, else billing name, else email', async () => {
    const order = fixture();
    order.billing_address.company = '  ';
    expect((await map(order)).customerName).toBe('John Smith');
    order.customer.last_name = null;
    expect((await map(order)).customerName).toBe('John');
    order.customer = null;
    expect((await map(order)).customerName).toBe('Steve Shipper');
    order.billing_address = null;
    expect((await map(order)).customerName).toBe('jon@example.com');
  });

  it('falls back from SKU to variant, product and line ids for the item code', async () => {
    const order = fixture();
    const [line] = order.line_items;
    order.line_items = [
      { ...line, sku: null, variant_id: null, product_id: 8061536829755 },
      { ...line, sku: '', variant_id: null, product_id: null, id: 1066630381, title: 'Gift wrapping', price: '5.00', quantity: 2 },
    ];
    expect((await map(order)).items).toEqual([
      { itemCode: 'SHOPIFY-8061536829755', itemName: 'IPod Nano - 8GB', qty: 1, rate: 199 },
      { itemCode: 'SHOPIFY-LINE-1066630381', itemName: 'Gift wrapping', qty: 2, rate: 5 },
    ]);
  });

  it('keeps items an array for a single line item, and leaves out an email that is not one', async () => {
    const order = fixture();
    order.line_items = [order.line_items[0]];
    order.email = '';
    const payload = await map(order);
    expect(payload.items).toHaveLength(1);
    expect(payload).not.toHaveProperty('email');
  });

  it('dead-letters an order without line items instead of creating an empty sales order', async () => {
    const order = fixture();
    order.line_items = [];
    await expect(mapEvent(routes, received(order))).rejects.toMatchObject({
      code: 'MAPPING_FAILED',
      retryable: false,
      message: expect.stringMatching(/^route "shopify-orders-to-erp": erp\.sales-order\.create payload rejected: items: /),
    });
  });

  it('ignores other Shopify topics', async () => {
    expect(await mapEvent(routes, received(fixture(), 'orders/updated'))).toEqual([]);
  });
});
