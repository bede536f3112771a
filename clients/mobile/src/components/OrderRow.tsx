import { Pressable, StyleSheet, Text, View } from 'react-native';
import { formatDate, formatEnum } from '../format';
import type { MyOrdersQuery } from '../gql/graphql';
import { colors, spacing } from '../theme';

type OrderSummary = MyOrdersQuery['myOrders']['nodes'][number];

export function OrderRow({ order, onPress }: { order: OrderSummary; onPress(): void }) {
  return (
    <Pressable accessibilityRole="button" onPress={onPress} style={({ pressed }) => [styles.row, pressed && styles.pressed]}>
      <View style={styles.main}>
        <Text style={styles.number}>{order.number}</Text>
        <Text style={styles.muted}>
          {formatDate(order.placedAt)} · {order.itemCount} {order.itemCount === 1 ? 'item' : 'items'}
        </Text>
      </View>
      <View style={styles.side}>
        <Text style={styles.total}>{order.total.formatted}</Text>
        <Text style={styles.status}>{formatEnum(order.status)}</Text>
      </View>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', paddingVertical: spacing.m, paddingHorizontal: spacing.l, backgroundColor: colors.surface, borderBottomWidth: StyleSheet.hairlineWidth, borderBottomColor: colors.border },
  pressed: { backgroundColor: colors.background },
  main: { flex: 1, gap: 2 },
  side: { alignItems: 'flex-end', gap: 2 },
  number: { fontSize: 15, fontWeight: '600', color: colors.text },
  muted: { fontSize: 13, color: colors.muted },
  total: { fontSize: 15, fontWeight: '600', color: colors.text },
  status: { fontSize: 13, color: colors.primary },
});
