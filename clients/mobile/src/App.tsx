import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { BackHandler, Platform, StyleSheet, View } from 'react-native';
import { createApolloClient } from './apollo/create-apollo-client';
import type { Route } from './navigation/routes';
import { NavigationProvider, useScreenStack, type Navigation } from './navigation/screen-stack';
import { AccountScreen } from './screens/AccountScreen';
import { FeedScreen } from './screens/FeedScreen';
import { OrderScreen } from './screens/OrderScreen';
import { ProductScreen } from './screens/ProductScreen';
import { SignInScreen } from './screens/SignInScreen';
import { UpdateRequiredScreen } from './screens/UpdateRequiredScreen';
import { SessionProvider } from './session/session-context';
import { createSessionStore } from './session/session-store';
import { colors } from './theme';

export function App() {
  const [sessionStore] = useState(createSessionStore);
  const { entries, navigation } = useScreenStack({ name: 'feed' });
  const [updateRequired, setUpdateRequired] = useState(false);
  const [client] = useState(() =>
    createApolloClient({
      accessToken: () => sessionStore.current()?.token,
      // Only the token goes: the cache is emptied when someone signs in (session-context.tsx),
      // and the requests still in flight finish undisturbed.
      onUnauthenticated: () => {
        sessionStore.signOut();
        navigation.showSignIn();
      },
      onUpdateRequired: () => setUpdateRequired(true),
    }),
  );
  useHardwareBack(navigation, entries.length > 1);

  if (updateRequired) return <UpdateRequiredScreen />;
  return (
    <ApolloProvider client={client}>
      <SessionProvider store={sessionStore}>
        <NavigationProvider value={navigation}>
          <View style={styles.app}>
            {/* Every screen of the stack stays mounted, so going back finds it as it was (scroll position included). */}
            {entries.map((entry, index) => (
              <View key={entry.key} style={[StyleSheet.absoluteFill, index < entries.length - 1 && styles.covered]}>
                <Screen route={entry.route} />
              </View>
            ))}
          </View>
        </NavigationProvider>
      </SessionProvider>
    </ApolloProvider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'feed':
      return <FeedScreen />;
    case 'product':
      return <ProductScreen productId={route.productId} title={route.title} />;
    case 'account':
      return <AccountScreen />;
    case 'order':
      return <OrderScreen orderId={route.orderId} placed={route.placed} />;
    case 'sign-in':
      return <SignInScreen />;
  }
}

/** Android's back button closes the top screen, and leaves the app from the first one. */
function useHardwareBack(navigation: Navigation, canGoBack: boolean) {
  useEffect(() => {
    if (Platform.OS !== 'android') return; // the only platform with a back button of its own
    const subscription = BackHandler.addEventListener('hardwareBackPress', () => {
      if (canGoBack) navigation.back();
      return canGoBack;
    });
    return () => subscription.remove();
  }, [navigation, canGoBack]);
}

const styles = StyleSheet.create({
  app: { flex: 1, backgroundColor: colors.background },
  covered: { display: 'none' },
});
