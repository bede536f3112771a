/** Word lists the dataset generator combines into names and text. */
export const FIRST_NAMES = [
  'Ada', 'Bruno', 'Chen', 'Dalia', 'Emeka', 'Freya', 'Goran', 'Hana', 'Idris', 'Jonas',
  'Kaia', 'Lena', 'Mateo', 'Nia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tara',
  'Uma', 'Viktor', 'Wen', 'Ximena', 'Yusuf', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Abara', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen',
  'Kowalski', 'Lindqvist', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Rossi', 'Silva', 'Tanaka', 'Weber',
] as const;

/** Category, its SKU prefix, the nouns of its products and its typical weight/price range. */
export const CATEGORIES = [
  { slug: 'audio', name: 'Audio', prefix: 'AUD', nouns: ['Headphones', 'Speaker', 'Earbuds', 'Soundbar', 'Turntable'], grams: [80, 4000], cents: [1900, 39900] },
  { slug: 'cameras', name: 'Cameras', prefix: 'CAM', nouns: ['Camera', 'Lens', 'Tripod', 'Camera Bag', 'Flash'], grams: [150, 2500], cents: [2900, 189900] },
  { slug: 'computers', name: 'Computers', prefix: 'CMP', nouns: ['Laptop', 'Monitor', 'Keyboard', 'Mouse', 'Dock'], grams: [90, 6000], cents: [1900, 249900] },
  { slug: 'phones', name: 'Phones', prefix: 'PHN', nouns: ['Phone', 'Phone Case', 'Charger', 'Screen Guard', 'Power Bank'], grams: [30, 400], cents: [900, 129900] },
  { slug: 'kitchen', name: 'Kitchen', prefix: 'KIT', nouns: ['Kettle', 'Knife Set', 'Blender', 'Coffee Grinder', 'Skillet'], grams: [300, 5000], cents: [1500, 34900] },
  { slug: 'home', name: 'Home', prefix: 'HOM', nouns: ['Lamp', 'Throw Blanket', 'Vase', 'Wall Clock', 'Cushion'], grams: [200, 3500], cents: [900, 19900] },
  { slug: 'outdoor', name: 'Outdoor', prefix: 'OUT', nouns: ['Tent', 'Backpack', 'Sleeping Bag', 'Lantern', 'Water Bottle'], grams: [150, 6000], cents: [1200, 49900] },
  { slug: 'fitness', name: 'Fitness', prefix: 'FIT', nouns: ['Yoga Mat', 'Kettlebell', 'Jump Rope', 'Foam Roller', 'Dumbbell'], grams: [100, 16000], cents: [900, 15900] },
  { slug: 'books', name: 'Books', prefix: 'BOK', nouns: ['Cookbook', 'Novel', 'Field Guide', 'Atlas', 'Notebook'], grams: [150, 1500], cents: [700, 6900] },
  { slug: 'toys', name: 'Toys', prefix: 'TOY', nouns: ['Puzzle', 'Building Set', 'Board Game', 'Plush Bear', 'Kite'], grams: [100, 2500], cents: [900, 12900] },
  { slug: 'garden', name: 'Garden', prefix: 'GAR', nouns: ['Planter', 'Pruner', 'Hose', 'Seed Kit', 'Watering Can'], grams: [100, 5000], cents: [800, 11900] },
  { slug: 'office', name: 'Office', prefix: 'OFF', nouns: ['Desk Lamp', 'Pen Set', 'Organizer', 'Chair Cushion', 'Whiteboard'], grams: [50, 4000], cents: [600, 24900] },
] as const;

export const ADJECTIVES = [
  'Aurora', 'Basalt', 'Cedar', 'Drift', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Indigo', 'Juniper',
  'Kestrel', 'Lumen', 'Meridian', 'Nimbus', 'Onyx', 'Pioneer', 'Quartz', 'Ridge', 'Summit', 'Tidal',
] as const;

export const QUALITIES = ['durable', 'lightweight', 'compact', 'quiet', 'efficient', 'elegant', 'rugged', 'versatile'] as const;

export const REVIEW_TITLES: Record<number, readonly string[]> = {
  1: ['Disappointed', 'Broke quickly', 'Not as described'],
  2: ['Could be better', 'Meh', 'Some issues'],
  3: ['Decent', 'Does the job', 'Okay for the price'],
  4: ['Very good', 'Happy with it', 'Solid choice'],
  5: ['Excellent', 'Love it', 'Exceeded expectations'],
};
