import { Pressable, StyleSheet, Text, View } from 'react-native';
import type { MobileFeedQuery } from '../gql/graphql';
import { cardShadow, colors, radius, spacing } from '../theme';
import { Thumbnail } from './Thumbnail';

export type FeedProduct = MobileFeedQuery['products']['nodes'][number];

/** One feed tile: everything on it comes pre-formatted from the BFF's `card`. */
export function ProductCard({ product, onPress }: { product: FeedProduct; onPress(): void }) {
  const { title, thumbnailUrl, priceLabel, ratingBadge } = product.card;
  return (
    <Pressable accessibilityRole="button" accessibilityLabel={`${title}, ${priceLabel}`} onPress={onPress} style={({ pressed }) => [styles.card, pressed && styles.pressed]}>
      <Thumbnail uri={thumbnailUrl} label={title} style={styles.image} />
      <View style={styles.body}>
        <Text style={styles.title} numberOfLines={2}>
          {title}
        </Text>
        <View style={styles.row}>
          <Text style={styles.price}>{priceLabel}</Text>
          {ratingBadge && <Text style={styles.rating}>{ratingBadge}</Text>}
        </View>
      </View>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  card: { flex: 1, backgroundColor: colors.surface, borderRadius: radius.m, overflow: 'hidden', boxShadow: cardShadow },
  pressed: { opacity: 0.85 },
  image: { width: '100%', aspectRatio: 1 },
  body: { padding: spacing.m, gap: spacing.s },
  title: { fontSize: 14, lineHeight: 19, minHeight: 38, color: colors.text },
  row: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between' },
  price: { fontSize: 16, fontWeight: '700', color: colors.text },
  rating: { fontSize: 12, color: colors.muted },
});
