import {
  isTerminal,
  ORDER_STATUSES,
  shipmentEligibility,
  transition,
  type HoldReason,
  type OrderEvent,
  type OrderState,
  type OrderStatus,
} from '../../src/domain/orders';

const state = (status: OrderStatus, holdReason: HoldReason | null = status === 'on_hold' ? 'tag:FraudReview' : null): OrderState => ({
  orderNumber: '#1001',
  status,
  holdReason,
});

const EVENTS: OrderEvent[] = [
  { type: 'payment_cleared' },
  { type: 'hold_placed', reason: 'ops:address check' },
  { type: 'hold_released', paymentPending: false },
  { type: 'hold_released', paymentPending: true },
  { type: 'wms_started' },
  { type: 'wms_picked' },
  { type: 'wms_packed' },
  { type: 'shipment_posted', allLinesShipped: false },
  { type: 'shipment_posted', allLinesShipped: true },
  { type: 'channel_cancelled' },
  { type: 'ops_cancelled' },
];

const to = (status: OrderStatus, event: OrderEvent, holdReason?: HoldReason | null) => {
  const result = transition(state(status, holdReason), event);
  return result.ok ? result.status : `refused: ${result.message}`;
};

describe('§6 statuses', () => {
  it('§6 shipped and cancelled are the only terminal statuses', () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['shipped', 'cancelled']);
  });
});

describe('§6 status machine', () => {
  it('OD-4 payment cleared releases a pending_payment order to open', () => {
    expect(transition(state('pending_payment'), { type: 'payment_cleared' })).toEqual({ ok: true, status: 'open', holdReason: null, changed: true });
  });

  it('OD-4 a cleared payment does not release a hold (pending payment never hides a fraud hold)', () => {
    expect(transition(state('on_hold'), { type: 'payment_cleared' })).toEqual({ ok: true, status: 'on_hold', holdReason: 'tag:FraudReview', changed: false });
  });

  it('O-7 ops place a hold on an order the WMS has not started', () => {
    for (const status of ['pending_payment', 'open'] as const) {
      expect(transition(state(status), { type: 'hold_placed', reason: 'ops:address check' })).toEqual({
        ok: true,
        status: 'on_hold',
        holdReason: 'ops:address check',
        changed: true,
      });
    }
  });

  it('O-7 a second hold keeps the reason already shown', () => {
    expect(transition(state('on_hold'), { type: 'hold_placed', reason: 'ops:x' })).toMatchObject({ ok: true, holdReason: 'tag:FraudReview', changed: false });
  });

  it('O-7 releasing a hold opens the order, or returns it to waiting for payment', () => {
    expect(transition(state('on_hold'), { type: 'hold_released', paymentPending: false })).toEqual({ ok: true, status: 'open', holdReason: null, changed: true });
    expect(to('on_hold', { type: 'hold_released', paymentPending: true })).toBe('pending_payment');
  });

  it('O-7 releasing an order that is not on hold is refused with a reason', () => {
    expect(to('open', { type: 'hold_released', paymentPending: false })).toBe('refused: order #1001 is open; it is not on hold, so there is no hold to release');
  });

  it('O-2 WMS progress moves a released order to in_progress, and repeats stay there', () => {
    expect(to('open', { type: 'wms_started' })).toBe('in_progress');
    expect(to('open', { type: 'wms_picked' })).toBe('in_progress');
    expect(transition(state('in_progress'), { type: 'wms_packed' })).toMatchObject({ ok: true, status: 'in_progress', changed: false });
    expect(to('partially_shipped', { type: 'wms_picked' })).toBe('partially_shipped');
  });

  it('O-2 progress for an order never released to the WMS is refused, naming the hold', () => {
    expect(to('on_hold', { type: 'wms_started' })).toBe(
      'refused: order #1001 is on_hold (tag:FraudReview); it has not been released to the WMS: release it first, or check the order number the WMS reported',
    );
    expect(to('pending_payment', { type: 'shipment_posted', allLinesShipped: true })).toMatch(/^refused: order #1001 is pending_payment; it was not released/);
  });

  it('S-4 shipments: partial ones leave the order partially_shipped, the last one ships it', () => {
    expect(to('open', { type: 'shipment_posted', allLinesShipped: false })).toBe('partially_shipped');
    expect(to('in_progress', { type: 'shipment_posted', allLinesShipped: false })).toBe('partially_shipped');
    expect(to('partially_shipped', { type: 'shipment_posted', allLinesShipped: false })).toBe('partially_shipped');
    expect(to('partially_shipped', { type: 'shipment_posted', allLinesShipped: true })).toBe('shipped');
    expect(to('open', { type: 'shipment_posted', allLinesShipped: true })).toBe('shipped');
  });

  it('O-5 a channel cancellation cancels before the WMS started and is a request after', () => {
    for (const status of ['pending_payment', 'on_hold', 'open'] as const) expect(to(status, { type: 'channel_cancelled' })).toBe('cancelled');
    for (const status of ['in_progress', 'partially_shipped'] as const) expect(to(status, { type: 'channel_cancelled' })).toBe('cancel_requested');
  });

  it('O-5 a cancel_requested order: ops confirm the cancel, a final shipment ships it, a partial one leaves the request standing', () => {
    expect(to('cancel_requested', { type: 'ops_cancelled' })).toBe('cancelled');
    expect(to('cancel_requested', { type: 'shipment_posted', allLinesShipped: true })).toBe('shipped');
    expect(to('cancel_requested', { type: 'shipment_posted', allLinesShipped: false })).toBe('cancel_requested');
    expect(to('cancel_requested', { type: 'hold_placed', reason: 'ops:x' })).toMatch(/^refused: .*stop it in the WMS$/);
  });

  it('O-7 ops may cancel any order that is not terminal', () => {
    for (const status of ORDER_STATUSES.filter((s) => !isTerminal(s))) expect(to(status, { type: 'ops_cancelled' })).toBe('cancelled');
  });

  it('§6 a shipped order cannot be cancelled: refused with a message an operator can act on', () => {
    expect(transition(state('shipped'), { type: 'channel_cancelled' })).toEqual({
      ok: false,
      code: 'invalid_transition',
      message: 'order #1001 is shipped; it cannot be cancelled',
    });
  });

  it('O-2 holding an order the WMS has started is refused: it must be stopped in the WMS', () => {
    expect(to('in_progress', { type: 'hold_placed', reason: 'ops:x' })).toBe(
      'refused: order #1001 is in_progress; the WMS has started it, so it can no longer be held here: stop it in the WMS',
    );
  });

  it('§6 a shipment for a cancelled order is refused, not recorded', () => {
    expect(to('cancelled', { type: 'shipment_posted', allLinesShipped: true })).toMatch(/^refused: order #1001 is cancelled; the shipment was not recorded/);
  });
});

describe('§6 status machine properties', () => {
  const idempotentRepeat = (status: OrderStatus, event: OrderEvent) =>
    (status === 'shipped' && event.type === 'shipment_posted' && event.allLinesShipped) ||
    (status === 'cancelled' && (event.type === 'channel_cancelled' || event.type === 'ops_cancelled'));

  it('§6 a terminal status accepts no transition but the idempotent repeat', () => {
    for (const status of ORDER_STATUSES.filter(isTerminal)) {
      for (const event of EVENTS) {
        const result = transition(state(status), event);
        if (idempotentRepeat(status, event)) expect(result).toEqual({ ok: true, status, holdReason: null, changed: false });
        else expect(result.ok).toBe(false);
      }
    }
  });

  it('§6 every status × event gives an answer and never throws; refusals name the order and its status', () => {
    for (const status of ORDER_STATUSES) {
      for (const event of EVENTS) {
        const result = transition(state(status), event);
        if (!result.ok) expect(result.message.startsWith(`order #1001 is ${status}`)).toBe(true);
        else {
          expect(ORDER_STATUSES).toContain(result.status);
          expect(result.status === 'on_hold').toBe(result.holdReason !== null);
          expect(result.changed).toBe(result.status !== status || result.holdReason !== state(status).holdReason);
        }
      }
    }
  });

  it('§6 replaying any accepted event a second time changes nothing more (except shipments and progress, which the caller dedupes)', () => {
    for (const status of ORDER_STATUSES) {
      for (const event of EVENTS.filter((e) => !['shipment_posted', 'hold_released'].includes(e.type))) {
        const first = transition(state(status), event);
        if (!first.ok) continue;
        const second = transition({ orderNumber: '#1001', status: first.status, holdReason: first.holdReason }, event);
        expect(second).toEqual({ ok: true, status: first.status, holdReason: first.holdReason, changed: false });
      }
    }
  });

  it('§6 no event leads back to pending_payment except releasing a hold while payment is pending', () => {
    for (const status of ORDER_STATUSES) {
      for (const event of EVENTS) {
        const result = transition(state(status), event);
        if (result.ok && result.status === 'pending_payment' && status !== 'pending_payment') {
          expect(event).toEqual({ type: 'hold_released', paymentPending: true });
        }
      }
    }
  });
});

describe('S-1 / O-4 shipment eligibility', () => {
  const on = { sendShipmentInfo: true };

  it('S-1 a downloaded, unchanged order is eligible when sending is on', () => {
    expect(shipmentEligibility({ origin: 'channel', linesChangedInWms: false }, on)).toEqual({ eligible: true });
  });

  it('O-4 an order created manually in the WMS is not eligible', () => {
    expect(shipmentEligibility({ origin: 'wms_manual', linesChangedInWms: false }, on)).toMatchObject({ eligible: false, reason: 'manual_wms_order' });
  });

  it('O-4 an order whose lines were changed in the WMS is not eligible', () => {
    expect(shipmentEligibility({ origin: 'channel', linesChangedInWms: true }, on)).toMatchObject({ eligible: false, reason: 'lines_changed_in_wms' });
  });

  it('S-1 nothing is sent when sendShipmentInfo is off', () => {
    expect(shipmentEligibility({ origin: 'channel', linesChangedInWms: false }, { sendShipmentInfo: false })).toMatchObject({
      eligible: false,
      reason: 'send_shipment_info_off',
    });
  });

  it('O-4 facts about the order are reported before the connection setting', () => {
    expect(shipmentEligibility({ origin: 'wms_manual', linesChangedInWms: true }, { sendShipmentInfo: false })).toMatchObject({ reason: 'manual_wms_order' });
    expect(shipmentEligibility({ origin: 'channel', linesChangedInWms: true }, { sendShipmentInfo: false })).toMatchObject({ reason: 'lines_changed_in_wms' });
  });
});
