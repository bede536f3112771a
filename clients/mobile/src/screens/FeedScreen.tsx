import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { FlatList, StyleSheet, View } from 'react-native';
import { Button } from '../components/Button';
import { CategoryChips } from '../components/CategoryChips';
import { ErrorView } from '../components/ErrorView';
import { Loading } from '../components/Loading';
import { ProductCard } from '../components/ProductCard';
import { HeaderAction, ScreenHeader } from '../components/ScreenHeader';
import { FeedCategoriesDocument, MobileFeedDocument } from '../gql/graphql';
import { useNavigation } from '../navigation/screen-stack';
import { useSession } from '../session/session-context';
import { colors, spacing, THUMBNAIL_DPR } from '../theme';

const PAGE_SIZE = 20;

/** The home screen: product cards two by two, a page at a time as the user scrolls, filtered by category chips. */
export function FeedScreen() {
  const navigation = useNavigation();
  const { session } = useSession();
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const categories = useQuery(FeedCategoriesDocument);
  // No categoryId at all for "All", not null: the same URL (and cache entry) as every other phone's first feed.
  const feed = useQuery(MobileFeedDocument, {
    variables: { first: PAGE_SIZE, dpr: THUMBNAIL_DPR, ...(categoryId && { categoryId }) },
    notifyOnNetworkStatusChange: true,
  });
  const products = feed.data?.products;
  const loadingMore = feed.networkStatus === NetworkStatus.fetchMore;
  const loadMore = () => {
    if (!products?.pageInfo.hasNextPage || loadingMore) return;
    // A page that fails to come leaves the "Load more" button for another try.
    void feed.fetchMore({ variables: { after: products.pageInfo.endCursor } });
  };

  return (
    <View style={styles.screen}>
      <ScreenHeader title="Shop" action={<HeaderAction title={session ? 'Account' : 'Sign in'} onPress={() => (session ? navigation.push({ name: 'account' }) : navigation.showSignIn())} />} />
      {/* The feed works without its chips: if the categories fail, they just do not show. */}
      {categories.data && <CategoryChips categories={categories.data.categories} selectedId={categoryId} onSelect={setCategoryId} />}
      {!products ? (
        feed.error ? <ErrorView error={feed.error} onRetry={() => void feed.refetch()} /> : <Loading />
      ) : (
        <FlatList
          data={products.nodes}
          keyExtractor={(product) => product.id}
          numColumns={2}
          columnWrapperStyle={styles.row}
          contentContainerStyle={styles.list}
          renderItem={({ item }) => <ProductCard product={item} onPress={() => navigation.push({ name: 'product', productId: item.id, title: item.card.title })} />}
          onEndReached={loadMore}
          onEndReachedThreshold={0.5}
          ListFooterComponent={
            products.pageInfo.hasNextPage ? (
              <View style={styles.footer}>
                <Button title="Load more" variant="secondary" busy={loadingMore} onPress={loadMore} />
              </View>
            ) : null
          }
        />
      )}
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  list: { paddingTop: spacing.xs, paddingBottom: spacing.xl },
  row: { gap: spacing.m, paddingHorizontal: spacing.l, marginBottom: spacing.m },
  footer: { paddingHorizontal: spacing.l, paddingTop: spacing.s },
});
