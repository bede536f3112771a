import { useEffect, useState } from 'react';
import { FlatList, Pressable, StyleSheet, Text, View } from 'react-native';
import { Button } from '../components/Button';
import { Loading } from '../components/Loading';
import { Notice } from '../components/Notice';
import { ScreenHeader } from '../components/ScreenHeader';
import { useNavigation } from '../navigation/screen-stack';
import { listDevUsers, type DevUser } from '../session/dev-sign-in-api';
import { useSession } from '../session/session-context';
import { colors, spacing } from '../theme';

type Users = { state: 'loading' } | { state: 'loaded'; users: DevUser[] } | { state: 'failed'; message: string };

/** Development sign-in: pick one of the seeded users. Back to the screen that asked, signed in. */
export function SignInScreen() {
  const navigation = useNavigation();
  const { signIn } = useSession();
  const [users, setUsers] = useState<Users>({ state: 'loading' });
  const [signingIn, setSigningIn] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const loadUsers = () => {
    setUsers({ state: 'loading' });
    listDevUsers().then(
      (loaded) => setUsers({ state: 'loaded', users: loaded }),
      (error: unknown) => setUsers({ state: 'failed', message: messageOf(error) }),
    );
  };
  useEffect(loadUsers, []);

  const signInAs = async (user: DevUser) => {
    setSigningIn(user.id);
    setProblem(null);
    try {
      await signIn(user.id);
      navigation.back();
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setSigningIn(null);
    }
  };

  return (
    <View style={styles.screen}>
      <ScreenHeader title="Sign in" onBack={navigation.back} />
      {users.state === 'loading' && <Loading />}
      {users.state === 'failed' && (
        <View style={styles.padded}>
          <Notice tone="error" text={users.message} />
          <Button title="Try again" variant="secondary" onPress={loadUsers} />
        </View>
      )}
      {users.state === 'loaded' && (
        <FlatList
          data={users.users}
          keyExtractor={(user) => user.id}
          ListHeaderComponent={
            <View style={styles.padded}>
              <Text style={styles.intro}>Choose a test account</Text>
              {problem && <Notice tone="error" text={problem} />}
            </View>
          }
          renderItem={({ item }) => (
            <Pressable accessibilityRole="button" disabled={signingIn !== null} onPress={() => void signInAs(item)} style={({ pressed }) => [styles.user, pressed && styles.pressed]}>
              <View style={styles.initial}>
                <Text style={styles.initialText}>{item.name.charAt(0)}</Text>
              </View>
              <Text style={styles.userName}>{item.name}</Text>
              <Text style={styles.muted}>{signingIn === item.id ? 'Signing in…' : item.id}</Text>
            </Pressable>
          )}
        />
      )}
    </View>
  );
}

function messageOf(error: unknown): string {
  // fetch's TypeError: the request did not get through.
  if (error instanceof TypeError) return 'Can’t reach the shop. Check your connection.';
  return error instanceof Error ? error.message : 'Sign-in failed.';
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  padded: { padding: spacing.l, gap: spacing.m },
  intro: { fontSize: 15, color: colors.muted },
  user: { flexDirection: 'row', alignItems: 'center', gap: spacing.m, paddingVertical: spacing.m, paddingHorizontal: spacing.l, backgroundColor: colors.surface, borderBottomWidth: StyleSheet.hairlineWidth, borderBottomColor: colors.border },
  pressed: { backgroundColor: colors.background },
  initial: { width: 40, height: 40, borderRadius: 20, backgroundColor: colors.primary, alignItems: 'center', justifyContent: 'center' },
  initialText: { color: colors.onPrimary, fontSize: 17, fontWeight: '700' },
  userName: { flex: 1, fontSize: 16, color: colors.text },
  muted: { fontSize: 13, color: colors.muted },
});
