import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { FlatList, StyleSheet, Text, View } from 'react-native';
import { Button } from '../components/Button';
import { ErrorView } from '../components/ErrorView';
import { Loading } from '../components/Loading';
import { OrderRow } from '../components/OrderRow';
import { ScreenHeader } from '../components/ScreenHeader';
import { Thumbnail } from '../components/Thumbnail';
import { formatDate, formatEnum } from '../format';
import { MeDocument, MyOrdersDocument, type MeQuery } from '../gql/graphql';
import { useNavigation } from '../navigation/screen-stack';
import { useSession } from '../session/session-context';
import { colors, radius, spacing } from '../theme';

/** The profile and the orders: private reads sent together, in one POST batch (create-apollo-client.ts). */
const BATCHED = { batch: true };
const PAGE_SIZE = 10;

export function AccountScreen() {
  const navigation = useNavigation();
  const { session } = useSession();
  return (
    <View style={styles.screen}>
      <ScreenHeader title="Account" onBack={navigation.back} />
      {session ? (
        <SignedInAccount />
      ) : (
        <View style={styles.signedOut}>
          <Text style={styles.muted}>Sign in to see your orders.</Text>
          <Button title="Sign in" onPress={navigation.showSignIn} />
        </View>
      )}
    </View>
  );
}

function SignedInAccount() {
  const navigation = useNavigation();
  const { signOut } = useSession();
  const me = useQuery(MeDocument, { context: BATCHED });
  // Orders change whenever the user orders: show the cached ones at once, then the latest.
  const orders = useQuery(MyOrdersDocument, { variables: { first: PAGE_SIZE }, context: BATCHED, fetchPolicy: 'cache-and-network', notifyOnNetworkStatusChange: true });
  const page = orders.data?.myOrders;
  const loadingMore = orders.networkStatus === NetworkStatus.fetchMore;

  if (!page || !me.data) {
    const error = orders.error ?? me.error;
    if (!error) return <Loading />;
    return <ErrorView error={error} onRetry={() => void Promise.all([me.refetch(), orders.refetch()])} />;
  }
  const loadMore = () => {
    if (!page.pageInfo.hasNextPage || loadingMore) return;
    // A page that fails to come leaves the "More orders" button for another try.
    void orders.fetchMore({ variables: { after: page.pageInfo.endCursor } });
  };
  return (
    <FlatList
      data={page.nodes}
      keyExtractor={(order) => order.id}
      ListHeaderComponent={
        <>
          {me.data.me && <Profile user={me.data.me} />}
          <Text style={styles.heading}>Orders</Text>
        </>
      }
      ListEmptyComponent={<Text style={[styles.muted, styles.empty]}>No orders yet.</Text>}
      renderItem={({ item }) => <OrderRow order={item} onPress={() => navigation.push({ name: 'order', orderId: item.id })} />}
      ListFooterComponent={
        <View style={styles.footer}>
          {page.pageInfo.hasNextPage && <Button title="More orders" variant="secondary" busy={loadingMore} onPress={loadMore} />}
          <Button title="Sign out" variant="secondary" onPress={() => void signOut().then(navigation.back)} />
        </View>
      }
    />
  );
}

function Profile({ user }: { user: NonNullable<MeQuery['me']> }) {
  return (
    <View style={styles.profile}>
      <Thumbnail uri={user.avatarUrl} label={user.name.charAt(0)} style={styles.avatar} />
      <View style={styles.profileText}>
        <Text style={styles.name}>{user.name}</Text>
        <Text style={styles.muted}>
          {formatEnum(user.tier)} member since {formatDate(user.memberSince)}
        </Text>
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  signedOut: { padding: spacing.xl, gap: spacing.l, alignItems: 'stretch' },
  profile: { flexDirection: 'row', alignItems: 'center', gap: spacing.l, padding: spacing.l, backgroundColor: colors.surface },
  avatar: { width: 64, height: 64, borderRadius: radius.pill },
  profileText: { flex: 1, gap: spacing.xs },
  name: { fontSize: 20, fontWeight: '700', color: colors.text },
  heading: { fontSize: 13, fontWeight: '600', color: colors.muted, textTransform: 'uppercase', paddingHorizontal: spacing.l, paddingTop: spacing.xl, paddingBottom: spacing.s },
  muted: { fontSize: 14, color: colors.muted },
  empty: { paddingHorizontal: spacing.l },
  footer: { padding: spacing.l, gap: spacing.m },
});
