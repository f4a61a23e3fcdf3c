// The console's one way to the API: POST /graphql with the operator's access token, which
// lives only in this module's memory. The refresh token is kept in sessionStorage (this
// tab only) so a reload does not sign the operator out; refresh tokens rotate on every use
// and a reused one revokes the whole login, so exactly one refresh runs at a time.

const ENDPOINT = "/graphql";
const REFRESH_KEY = "reloop.console.refresh";

let session = null; // { access, refresh, expiresAt, user }
let refreshing = null; // the refresh in flight, shared by every caller
let timer = null;
const listeners = new Set();

/** An answer with errors: each error's message, `extensions.code` and `field`. */
export class ApiError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join("; "));
    this.errors = errors.map((e) => ({
      message: e.message,
      code: e.extensions?.code,
      field: e.extensions?.field,
    }));
  }
  get code() {
    return this.errors[0]?.code;
  }
}

/** Calls `listener(session)` whenever the operator signs in, is refreshed or signs out. */
export function onSession(listener) {
  listeners.add(listener);
}

export function currentSession() {
  return session;
}

/** The access token for a WebSocket's `connection_init`. */
export function accessToken() {
  return session?.access;
}

async function post(query, variables, token) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST", headers, body: JSON.stringify({ query, variables }), credentials: "omit",
    });
  } catch (e) {
    return { errors: [{ message: `The server cannot be reached (${e.message}).`, extensions: { code: "NETWORK" } }] };
  }
  try {
    return await response.json();
  } catch {
    return { errors: [{ message: `The server answered ${response.status} without JSON.`, extensions: { code: `HTTP_${response.status}` } }] };
  }
}

const unauthenticated = (answer) =>
  (answer.errors || []).some((e) => e.extensions?.code === "UNAUTHENTICATED");

/** Runs a query or mutation as the operator; throws an ApiError when it has errors. */
export async function gql(query, variables = {}) {
  let answer = await post(query, variables, session?.access);
  if (unauthenticated(answer) && session) {
    await refresh();
    answer = await post(query, variables, session?.access);
  }
  if (answer.errors?.length) throw new ApiError(answer.errors);
  return answer.data;
}

/**
 * GETs one of the API's plain HTTP exports (e.g. a CSV report) with the operator's token,
 * refreshing it once when it is refused; throws an ApiError with the server's message.
 */
export async function download(path) {
  const get = () => fetch(path, { headers: { authorization: `Bearer ${session?.access}` }, credentials: "omit" });
  let response = await get();
  if (response.status === 401 && session) {
    await refresh();
    response = await get();
  }
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try { message = JSON.parse(text).errors?.[0]?.message || text; } catch { /* plain text */ }
    throw new ApiError([{ message, extensions: { code: `HTTP_${response.status}` } }]);
  }
  return response.blob();
}

const AUTH_FIELDS = "accessToken refreshToken expiresAt user { id email displayName role }";

function adopt(payload) {
  session = {
    access: payload.accessToken,
    refresh: payload.refreshToken,
    expiresAt: payload.expiresAt,
    user: payload.user,
  };
  sessionStorage.setItem(REFRESH_KEY, session.refresh);
  clearTimeout(timer);
  // Refresh a minute before the access token expires, so requests rarely meet a 401.
  const wait = new Date(payload.expiresAt).getTime() - Date.now() - 60_000;
  timer = setTimeout(() => refresh().catch(() => {}), Math.max(wait, 5_000));
  listeners.forEach((l) => l(session));
}

function drop() {
  session = null;
  clearTimeout(timer);
  sessionStorage.removeItem(REFRESH_KEY);
  listeners.forEach((l) => l(null));
}

/** Signs in; refuses (and revokes the new login) unless the account is an operator's. */
export async function signIn(email, password) {
  const answer = await post(
    `mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { ${AUTH_FIELDS} } }`,
    { email, password });
  if (answer.errors?.length) throw new ApiError(answer.errors);
  const payload = answer.data.login;
  if (payload.user.role !== "OPERATOR") {
    await post("mutation SignOut($t: String!) { logout(refreshToken: $t) }", { t: payload.refreshToken });
    throw new ApiError([{
      message: `The console is for operators; ${payload.user.email} is a ${payload.user.role.toLowerCase()} account. Use the app for your role instead.`,
      extensions: { code: "NOT_AN_OPERATOR" },
    }]);
  }
  adopt(payload);
  return session;
}

/** Swaps the refresh token for new tokens; signs out when it is refused. */
export function refresh() {
  const token = session?.refresh || sessionStorage.getItem(REFRESH_KEY);
  if (!token) return Promise.reject(new Error("not signed in"));
  refreshing ??= post(
    `mutation Refresh($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`, { t: token })
    .then((answer) => {
      if (answer.errors?.length || answer.data?.refreshToken?.user?.role !== "OPERATOR") {
        drop();
        throw new ApiError(answer.errors || [{ message: "Signed out." }]);
      }
      adopt(answer.data.refreshToken);
      return session;
    })
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** Signs back in after a reload, when this tab still holds a refresh token. */
export async function resume() {
  if (!sessionStorage.getItem(REFRESH_KEY)) return null;
  try {
    return await refresh();
  } catch {
    return null;
  }
}

/** Revokes the refresh token on the server, then forgets both tokens. */
export async function signOut() {
  const token = session?.refresh;
  if (token) await post("mutation SignOut($t: String!) { logout(refreshToken: $t) }", { t: token }, session.access);
  drop();
}
