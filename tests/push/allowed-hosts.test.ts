// The allowed push-service check that keeps a subscription from pointing the server at an internal address.
import { describe, expect, it } from "vitest";
import { endpointRefusal } from "../../src/lone-working/delivery/channels/push/allowed-hosts.js";
import { DEFAULT_PUSH_HOSTS } from "../../src/config.js";

const ok = (url: string, list: string[] = DEFAULT_PUSH_HOSTS) => expect(endpointRefusal(url, list), url).toBeNull();
const no = (url: string, list: string[] = DEFAULT_PUSH_HOSTS) => expect(endpointRefusal(url, list), url).not.toBeNull();

describe("endpointRefusal", () => {
  it("accepts the public push services by default", () => {
    ok("https://fcm.googleapis.com/fcm/send/abc:def");
    ok("https://updates.push.services.mozilla.com/wpush/v2/gAAAA");
    ok("https://web.push.apple.com/QGxyz");
    ok("https://db5p.notify.windows.com/w/?token=abc");
    ok("https://FCM.googleapis.com/fcm/send/x"); // host case is not significant
  });

  it("refuses http, other ports, credentials and look-alike hosts", () => {
    no("http://fcm.googleapis.com/fcm/send/x");
    no("https://fcm.googleapis.com:8443/fcm/send/x");
    no("https://user:pw@fcm.googleapis.com/fcm/send/x");
    no("https://fcm.googleapis.com.evil.example/x");
    no("https://evilfcm.googleapis.com/x");
    no("https://notify.windows.com/x"); // *.suffix needs a label before the suffix
    no("https://evilnotify.windows.com/x");
    no("https://fcm.googleapis.com./x"); // trailing-dot spelling is refused, not normalised
    no("not a url");
    no("ftp://fcm.googleapis.com/x");
  });

  it("refuses internal addresses in every spelling unless listed exactly", () => {
    for (const u of [
      "https://127.0.0.1/x", "https://localhost/x", "https://foo.localhost/x", "https://[::1]/x",
      "https://169.254.169.254/latest/meta-data", "https://10.0.0.5/x", "https://0x7f.1/x", "https://2130706433/x",
      "https://intranet/x", "https://[::ffff:127.0.0.1]/x",
    ]) no(u);
    expect(endpointRefusal("https://127.0.0.1/x", DEFAULT_PUSH_HOSTS)).toMatch(/internal/);
    // a wildcard never matches an IP or localhost
    no("https://127.0.0.1/x", ["*.0.0.1", "*.localhost"]);
    no("https://a.localhost/x", ["*.localhost"]);
  });

  it("honours exact host:port entries, which is how tests and private push services are allowed", () => {
    ok("https://127.0.0.1:9443/push/a", ["127.0.0.1:9443"]);
    no("https://127.0.0.1:9444/push/a", ["127.0.0.1:9443"]);
    no("https://127.0.0.1/push/a", ["127.0.0.1:9443"]);
    ok("https://push.example.org/x", ["push.example.org"]);
    ok("https://push.example.org:8443/x", ["push.example.org:8443"]);
    ok("https://[::1]:9443/x", ["[::1]:9443"]);
  });
});
