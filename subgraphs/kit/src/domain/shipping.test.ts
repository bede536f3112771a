import { quoteShipping } from './shipping';

describe('shipping rules', () => {
  test('light, cheap, standard: base rate; each started kilo past the first adds a dollar', () => {
    expect(quoteShipping({ weightGrams: 900, valueCents: 1999, classes: ['STANDARD'] })).toMatchObject({ costCents: 499, freeShipping: false, minDays: 2, maxDays: 4 });
    expect(quoteShipping({ weightGrams: 2500, valueCents: 1999, classes: ['STANDARD'] }).costCents).toBe(699);
  });

  test('free from $50 unless bulky; a parcel is handled as its most demanding item', () => {
    expect(quoteShipping({ weightGrams: 2500, valueCents: 5000, classes: ['STANDARD'] })).toMatchObject({ costCents: 0, freeShipping: true });
    expect(quoteShipping({ weightGrams: 2500, valueCents: 9999, classes: ['STANDARD', 'BULKY'] })).toMatchObject({
      costCents: 499 + 200 + 1500,
      freeShipping: false,
      handling: 'BULKY',
      minDays: 5,
      maxDays: 8,
    });
    expect(quoteShipping({ weightGrams: 100, valueCents: 100, classes: ['FRAGILE', 'STANDARD'] })).toMatchObject({ costCents: 799, handling: 'FRAGILE' });
  });
});
