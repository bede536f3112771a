import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { ErrorCode, hasErrorCode } from '../apollo/error-codes';
import { Button } from '../components/Button';
import { ErrorView } from '../components/ErrorView';
import { Gallery } from '../components/Gallery';
import { Loading } from '../components/Loading';
import { Notice } from '../components/Notice';
import { QuantityStepper } from '../components/QuantityStepper';
import { ScreenHeader } from '../components/ScreenHeader';
import { ProductDetailDocument, type ProductDetailQuery } from '../gql/graphql';
import { useNavigation } from '../navigation/screen-stack';
import { usePlaceOrder, type PlaceOrderOutcome } from '../orders/use-place-order';
import { useSession } from '../session/session-context';
import { cardShadow, colors, GALLERY_IMAGE_WIDTH, radius, spacing } from '../theme';

type Product = NonNullable<ProductDetailQuery['product']>;
type Refusal = Exclude<PlaceOrderOutcome, { kind: 'placed' }>;

/** Most units one order line may ask for (the API allows 1 to 100; a phone needs fewer). */
const MAX_QUANTITY = 10;

export function ProductScreen({ productId, title }: { productId: string; title: string }) {
  const navigation = useNavigation();
  const { data, error, refetch } = useQuery(ProductDetailDocument, { variables: { id: productId, imageWidth: GALLERY_IMAGE_WIDTH } });
  const product = data?.product;
  // A subgraph that is down costs only its fields (reviews, stock): the rest of the product still shows.
  const partial = hasErrorCode(error, ErrorCode.SUBGRAPH_UNAVAILABLE);

  return (
    <View style={styles.screen}>
      <ScreenHeader title={product?.name ?? title} onBack={navigation.back} />
      {product ? (
        <ScrollView contentContainerStyle={styles.content}>
          <Gallery images={product.images} name={product.name} />
          <View style={styles.section}>
            <Text style={styles.name}>{product.name}</Text>
            <Text style={styles.price}>{product.price.formatted}</Text>
            {product.ratingSummary && product.ratingSummary.count > 0 && (
              <Text style={styles.muted}>
                ★ {product.ratingSummary.average.toFixed(1)} · {product.ratingSummary.count} reviews
              </Text>
            )}
            <Text style={styles.description}>{product.description}</Text>
            <Availability product={product} />
          </View>
          <OrderBox product={product} onStockChanged={() => void refetch()} />
          <Reviews product={product} unavailable={partial && product.reviews === null} />
        </ScrollView>
      ) : error ? (
        <ErrorView error={error} onRetry={() => void refetch()} />
      ) : data ? (
        <View style={styles.notFound}>
          <Notice text="This product is no longer available." />
        </View>
      ) : (
        <Loading />
      )}
    </View>
  );
}

function Availability({ product }: { product: Product }) {
  if (product.inStock === null) return <Notice text="Stock and delivery times are unavailable right now." />;
  return (
    <View style={styles.availability}>
      <Text style={[styles.stock, { color: product.inStock ? colors.success : colors.danger }]}>{product.inStock ? 'In stock' : 'Out of stock'}</Text>
      {product.shippingEstimate && <Text style={styles.muted}>{product.shippingEstimate.label}</Text>}
    </View>
  );
}

/** Quantity and "Place order"; an order placed opens on its own screen. */
function OrderBox({ product, onStockChanged }: { product: Product; onStockChanged(): void }) {
  const navigation = useNavigation();
  const { session } = useSession();
  const { placeOrder, placing } = usePlaceOrder();
  const [quantity, setQuantity] = useState(1);
  const [outcome, setOutcome] = useState<Refusal | null>(null);
  // Unknown stock (inventory down) does not stop an order: the server checks it anyway.
  const available = product.stock?.available ?? MAX_QUANTITY;
  const soldOut = product.inStock === false || available === 0;
  const maxQuantity = Math.max(1, Math.min(available, MAX_QUANTITY));
  // Stock may have dropped below the chosen quantity since it was chosen.
  const orderQuantity = Math.min(quantity, maxQuantity);

  const onPlaceOrder = async () => {
    if (!session) return navigation.showSignIn();
    setOutcome(null);
    const result = await placeOrder([{ productId: product.id, quantity: orderQuantity }]);
    if (result.kind === 'placed') navigation.push({ name: 'order', orderId: result.orderId, placed: true });
    else setOutcome(result);
    // Someone bought some first: show what is left, and the picker's new limit.
    if (result.kind === 'out-of-stock') onStockChanged();
  };

  return (
    <View style={styles.section}>
      <View style={styles.orderRow}>
        <QuantityStepper value={orderQuantity} max={maxQuantity} onChange={setQuantity} />
        <View style={styles.orderButton}>
          <Button title={soldOut ? 'Sold out' : 'Place order'} disabled={soldOut} busy={placing} onPress={() => void onPlaceOrder()} />
        </View>
      </View>
      {outcome && <OutcomeNotice outcome={outcome} />}
    </View>
  );
}

function OutcomeNotice({ outcome }: { outcome: Refusal }) {
  switch (outcome.kind) {
    case 'out-of-stock':
      return <Notice tone="error" text="Not enough stock left for this quantity, so nothing was ordered. Choose fewer and try again." />;
    case 'not-confirmed':
      return <Notice tone="error" text="We could not reach the shop, so your order is not confirmed. Tap “Place order” again: you will not be charged twice." />;
    case 'failed':
      return <Notice tone="error" text="The order could not be placed, and nothing was ordered." />;
    case 'sign-in-required':
      return null;
  }
}

function Reviews({ product, unavailable }: { product: Product; unavailable: boolean }) {
  const reviews = product.reviews?.nodes ?? [];
  return (
    <View style={styles.section}>
      <Text style={styles.heading}>Reviews</Text>
      {unavailable ? (
        <Notice text="Reviews are unavailable right now." />
      ) : reviews.length === 0 ? (
        <Text style={styles.muted}>No reviews yet.</Text>
      ) : (
        reviews.map((review) => (
          <View key={review.id} style={styles.review}>
            <Text style={styles.stars}>{'★'.repeat(review.rating) + '☆'.repeat(5 - review.rating)}</Text>
            <Text style={styles.reviewTitle}>{review.title}</Text>
            <Text style={styles.muted}>{review.author.name}</Text>
          </View>
        ))
      )}
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  content: { paddingBottom: spacing.xl, gap: spacing.m },
  notFound: { padding: spacing.l },
  section: { backgroundColor: colors.surface, marginHorizontal: spacing.l, padding: spacing.l, borderRadius: radius.m, gap: spacing.s, boxShadow: cardShadow },
  name: { fontSize: 20, fontWeight: '700', color: colors.text },
  price: { fontSize: 22, fontWeight: '700', color: colors.text },
  description: { fontSize: 15, lineHeight: 21, color: colors.text },
  muted: { fontSize: 14, color: colors.muted },
  availability: { gap: spacing.xs },
  stock: { fontSize: 15, fontWeight: '600' },
  orderRow: { flexDirection: 'row', alignItems: 'center', gap: spacing.m },
  orderButton: { flex: 1 },
  heading: { fontSize: 17, fontWeight: '700', color: colors.text },
  review: { paddingVertical: spacing.s, borderTopWidth: StyleSheet.hairlineWidth, borderTopColor: colors.border, gap: 2 },
  stars: { color: '#E0A100', fontSize: 14 },
  reviewTitle: { fontSize: 15, fontWeight: '600', color: colors.text },
});
