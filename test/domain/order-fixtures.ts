import type { OrderAddress } from '../../src/domain/order-intake';

/** A complete shipping address for order-rule tests. */
export const adaAddress: OrderAddress = {
  name: 'Ada Lovelace',
  company: null,
  address1: '12 St James Square',
  address2: null,
  city: 'London',
  provinceCode: null,
  countryCode: 'GB',
  zip: 'SW1Y 4JH',
  phone: null,
};
