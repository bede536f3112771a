import { useApolloClient, useQuery, useSubscription } from '@apollo/client/react';
import { useRef } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { ErrorView } from '../components/ErrorView';
import { Loading } from '../components/Loading';
import { Notice } from '../components/Notice';
import { ScreenHeader } from '../components/ScreenHeader';
import { Thumbnail } from '../components/Thumbnail';
import { formatDate, formatEnum } from '../format';
import { FollowOrderDocument, OrderDetailDocument, type OrderDetailFieldsFragment, type OrderStatus } from '../gql/graphql';
import { useNavigation } from '../navigation/screen-stack';
import { cardShadow, colors, radius, spacing, THUMBNAIL_DPR } from '../theme';

/** Statuses an order never leaves: nothing more to follow. */
const FINAL_STATUSES: readonly OrderStatus[] = ['DELIVERED', 'CANCELLED'];

/**
 * Follows an order while it can still change (FollowOrder, over SSE). Each event is the
 * order's id, status and cancelledAt, written over the cached order, so the screen shows it;
 * when the stream ends (the BFF ends it after a delivery or a cancellation) or fails, the
 * cache keeps the last status it had. A stream that ends while the cached order can still
 * change (a BFF that drains ends its subscriptions with `complete`, to be followed at another
 * replica) is opened again, but only if it delivered an event: one that a BFF ends at once
 * would only end again.
 */
function useFollowOrder(orderId: string, status: OrderStatus | undefined) {
  const client = useApolloClient();
  const events = useRef(0);
  const following = useSubscription(FollowOrderDocument, {
    variables: { id: orderId },
    skip: !status || FINAL_STATUSES.includes(status),
    onData: () => void events.current++,
    onError: () => void (events.current = 0),
    onComplete: () => {
      const delivered = events.current > 0;
      events.current = 0;
      // The cache, not the last render: the event just before `complete` may not be shown yet.
      const cached = client.readQuery({ query: OrderDetailDocument, variables: { id: orderId, dpr: THUMBNAIL_DPR } })?.order?.status;
      if (delivered && cached && !FINAL_STATUSES.includes(cached)) following.restart();
    },
  });
  return following;
}

/**
 * One order with its lines (new in 1.2.0), its status followed live (1.3.0). A just-placed
 * order comes from the cache: PlaceOrder returned all of it.
 */
export function OrderScreen({ orderId, placed = false }: { orderId: string; placed?: boolean }) {
  const navigation = useNavigation();
  const { data, error, refetch } = useQuery(OrderDetailDocument, { variables: { id: orderId, dpr: THUMBNAIL_DPR } });
  const order = data?.order;
  const following = useFollowOrder(orderId, order?.status);
  return (
    <View style={styles.screen}>
      <ScreenHeader title={order?.number ?? 'Order'} onBack={navigation.back} />
      {order ? (
        <ScrollView contentContainerStyle={styles.content}>
          {placed && <Text style={styles.thanks}>Thank you! Your order is placed.</Text>}
          <Summary order={order} />
          {following.error && <Notice text="Live status updates stopped: the status shown may be out of date." />}
          <View style={styles.card}>
            {order.lines.map((line) => (
              <View key={line.lineNumber} style={styles.line}>
                <Thumbnail uri={line.product.card.thumbnailUrl} label={line.product.card.title} style={styles.thumbnail} />
                <View style={styles.lineText}>
                  <Text style={styles.lineTitle} numberOfLines={2}>
                    {line.product.card.title}
                  </Text>
                  <Text style={styles.muted}>
                    {line.quantity} × {line.unitPrice.formatted}
                  </Text>
                </View>
                <Text style={styles.amount}>{line.lineTotal.formatted}</Text>
              </View>
            ))}
          </View>
          <View style={styles.card}>
            <Amount label="Subtotal" value={order.subtotal.formatted} />
            <Amount label="Shipping" value={order.shipping.formatted} />
            <Amount label="Total" value={order.total.formatted} strong />
          </View>
        </ScrollView>
      ) : error ? (
        <ErrorView error={error} onRetry={() => void refetch()} />
      ) : data ? (
        <View style={styles.content}>
          <Notice text="This order could not be found." />
        </View>
      ) : (
        <Loading />
      )}
    </View>
  );
}

function Summary({ order }: { order: OrderDetailFieldsFragment }) {
  return (
    <View style={styles.card}>
      <Amount label="Status" value={formatEnum(order.status)} />
      <Amount label="Placed" value={formatDate(order.placedAt)} />
      {order.cancelledAt && <Amount label="Cancelled" value={formatDate(order.cancelledAt)} />}
      <Amount label="Items" value={String(order.itemCount)} />
    </View>
  );
}

function Amount({ label, value, strong = false }: { label: string; value: string; strong?: boolean }) {
  return (
    <View style={styles.amountRow}>
      <Text style={[styles.muted, strong && styles.strong]}>{label}</Text>
      <Text style={[styles.amount, strong && styles.strong]}>{value}</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  content: { padding: spacing.l, gap: spacing.m },
  thanks: { fontSize: 17, fontWeight: '600', color: colors.success },
  card: { backgroundColor: colors.surface, borderRadius: radius.m, padding: spacing.l, gap: spacing.m, boxShadow: cardShadow },
  line: { flexDirection: 'row', alignItems: 'center', gap: spacing.m },
  thumbnail: { width: 56, height: 56, borderRadius: radius.s },
  lineText: { flex: 1, gap: 2 },
  lineTitle: { fontSize: 15, color: colors.text },
  amountRow: { flexDirection: 'row', justifyContent: 'space-between' },
  amount: { fontSize: 15, color: colors.text },
  strong: { fontSize: 16, fontWeight: '700', color: colors.text },
  muted: { fontSize: 14, color: colors.muted },
});
