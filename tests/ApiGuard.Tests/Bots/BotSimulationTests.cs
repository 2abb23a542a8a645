using System.Text.Json;
using ApiGuard.Admin;
using ApiGuard.Bots;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGuard.Tests.Bots;

/// <summary>
/// The acceptance simulation: three mixes at once on one TestServer, on simulated time. A verified integration bot
/// (signature-authenticated) at 200 requests/s, including a sequential order export; twenty ordinary mobile clients;
/// one attacker that walks /api/orders/{id} sequentially, scans for routes that do not exist and stuffs credentials; in the
/// hopping variant the attacker also presents a new random X-Api-Key or a made-up Signature-Input key id on every request.
/// </summary>
public sealed class BotSimulationTests
{
    private const string AttackerIp = "203.0.113.66";
    private const string AttackerId = "ip:" + AttackerIp;
    private const string BotId = "principal:inventory-sync";

    private static readonly string[] s_scanPaths =
    [
        "/.env", "/admin", "/wp-login.php", "/api/v1/users", "/backup.zip", "/.git/config", "/phpinfo.php", "/api/internal/debug",
        "/server-status", "/config.json", "/api/admin/users", "/actuator/env",
    ];

    private static readonly string[] s_escalation = ["bot.throttled", "bot.challenged", "bot.blocked"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Simulation_BotMobileAndAttacker_OnlyAttackerActedOnWithin30SecondsAndEventsExplain(bool attackerHopsIdentities)
    {
        await using var host = await BotTestHost.StartAsync();
        var random = new Random(7);
        var start = host.Time.GetUtcNow();
        TimeSpan? attackerStopped = null;
        var attackerOrderId = 5000L;
        var botOrderId = 1L;
        var attackerStep = 0;
        var botStep = 0;
        var mobileStep = 0;
        var botRequests = 0;
        var botRejections = 0;
        var mobileRequests = 0;
        var mobileRejections = 0;
        var hops = 0;

        // The hopping attacker claims a new identity on every request: a random API key, or a made-up signing key id.
        void Disguise(HttpRequest request)
        {
            if (!attackerHopsIdentities)
            {
                return;
            }

            var n = Interlocked.Increment(ref hops);
            var token = Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()));
            if (n % 2 == 0)
            {
                request.Headers["X-Api-Key"] = token;
            }
            else
            {
                request.Headers["Signature-Input"] = $"sig1=(\"@method\" \"@path\");created={n};keyid=\"k-{token}\"";
            }
        }

        for (var second = 0; second < 30; second++)
        {
            for (var tick = 0; tick < 200; tick++)
            {
                // The verified integration: 200 requests/s on its usual routes, including a sequential order export.
                var (botMethod, botPath) = (botStep++ % 4) switch
                {
                    0 => ("GET", "/api/inventory"),
                    1 => ("POST", "/api/stock"),
                    _ => ("GET", $"/api/orders/{botOrderId++}"),
                };
                var bot = await host.SendAsync(botMethod, botPath, "192.0.2.10", r => r.Headers["X-Test-Principal"] = "inventory-sync;Signature");
                botRequests++;
                botRejections += IsBotRejection(bot) ? 1 : 0;

                if (tick % 10 == 0)
                {
                    // Twenty mobile clients, one request each per second: ten signed in (known), ten anonymous browsing.
                    var m = mobileStep++ % 20;
                    HttpContext mobile;
                    if (m < 10)
                    {
                        var path = random.Next(10) switch
                        {
                            < 4 => "/api/products",
                            < 7 => $"/api/orders/{(m * 100) + random.Next(5)}",
                            8 => "/api/cart",
                            _ => $"/api/products/{(random.Next(25) == 0 ? 5000 : random.Next(1, 8))}",
                        };
                        mobile = await host.SendAsync("GET", path, $"198.51.100.{m + 1}", r => r.Headers["X-Test-Principal"] = $"user{m};Bearer");
                        if (second % 10 == 3 && tick == 0)
                        {
                            // A typo at the login screen now and then.
                            await host.SendAsync("POST", "/api/login", $"198.51.100.{m + 1}", r => r.Headers["X-Test-Password"] = "typo");
                        }
                    }
                    else
                    {
                        var path = random.Next(3) == 0 ? "/api/products" : $"/api/products/{random.Next(1, 12)}";
                        if (random.Next(40) == 0)
                        {
                            path = "/api/product"; // a stale deep link: 404 on a route that does not exist, once in a while
                        }

                        mobile = await host.SendAsync("GET", path, $"198.51.100.{m + 1}");
                    }

                    mobileRequests++;
                    mobileRejections += IsBotRejection(mobile) ? 1 : 0;
                }

                if (tick % 20 == 5)
                {
                    // The attacker: 10 requests/s mixing a sequential order walk, route scanning and credential stuffing.
                    HttpContext attack = (attackerStep++ % 10) switch
                    {
                        < 6 => await host.SendAsync("GET", $"/api/orders/{attackerOrderId++}", AttackerIp, Disguise),
                        < 8 => await host.SendAsync("GET", s_scanPaths[attackerStep % s_scanPaths.Length], AttackerIp, Disguise),
                        _ => await host.SendAsync("POST", "/api/login", AttackerIp, r =>
                        {
                            r.Headers["X-Test-Password"] = $"guess{attackerStep}";
                            Disguise(r);
                        }),
                    };
                    if (IsBotRejection(attack) && attackerStopped is null)
                    {
                        attackerStopped = host.Time.GetUtcNow() - start;
                    }
                }

                host.Time.Advance(TimeSpan.FromMilliseconds(5));
            }
        }

        // The attacker is challenged or blocked within 30 simulated seconds.
        Assert.NotNull(attackerStopped);
        Assert.True(attackerStopped <= TimeSpan.FromSeconds(30), $"attacker stopped after {attackerStopped}");

        if (attackerHopsIdentities)
        {
            // It really hopped, and yet another new identity is still refused.
            Assert.True(hops >= 250, $"{hops} identities");
            Assert.True(IsBotRejection(await host.SendAsync("GET", "/api/products", AttackerIp, Disguise)));
            Assert.True(IsBotRejection(await host.SendAsync("GET", "/api/products", AttackerIp, Disguise)));
        }

        // Zero actions against the bot and the mobile clients.
        Assert.Equal(6000, botRequests);
        Assert.Equal(0, botRejections);
        Assert.Equal(600, mobileRequests);
        Assert.Equal(0, mobileRejections);
        Assert.DoesNotContain(host.Throttled.Keys, id => id != AttackerId);
        var botEvents = host.Observer.Bots;
        Assert.NotEmpty(botEvents);
        Assert.All(botEvents, e => Assert.Equal(AttackerId, e.ClientId));

        // The events say why: the attacker was stopped first, then blocked as it went on, and the reasons name all three behaviours.
        var kinds = botEvents.Select(e => e.Kind).ToList();
        Assert.Equal(kinds.OrderBy(k => Array.IndexOf(s_escalation, k)), kinds); // only ever escalates: throttle, challenge, block
        var first = botEvents.First(e => e.Kind is "bot.challenged" or "bot.blocked");
        Assert.True(first.Action is SecurityAction.Challenged or SecurityAction.Blocked, first.Action.ToString());
        Assert.Equal("Anonymous", first.Properties!["class"]);
        Assert.False(string.IsNullOrEmpty(first.Reason));
        var blocked = Assert.Single(botEvents, e => e.Kind == "bot.blocked");
        Assert.Equal(SecurityAction.Blocked, blocked.Action);
        var reasons = string.Join(",", botEvents.Select(e => e.Properties!["reasons"]));
        Assert.Contains("sequential-ids", reasons, StringComparison.Ordinal); // the BOLA walk
        Assert.True(reasons.Contains("route-scanning", StringComparison.Ordinal) || reasons.Contains("auth-failures", StringComparison.Ordinal), reasons);
        Assert.Contains(botEvents, e => e.Reason!.Contains("object ids walked in sequence", StringComparison.Ordinal));
        var bans = await host.Services.GetRequiredService<IBanList>().ListAsync(10);
        Assert.Equal(AttackerId, Assert.Single(bans).ClientId);

        // The incident-response view agrees: the attacker tops the list, with its reasons; the bot is not on it.
        var admin = host.Services.GetRequiredService<IApiGuardAdmin>();
        var top = admin.GetTopOffenders(10);
        Assert.Equal(AttackerId, top[0].ClientId);
        Assert.NotEmpty(top[0].Explanation);
        Assert.DoesNotContain(top, p => p.ClientId == BotId);
        var report = await admin.GetClientAsync(AttackerId);
        Assert.NotNull(report);
        Assert.Contains(report.Timeline, t => t.Kind == "authentication.failed");
        Assert.Contains(report.Timeline, t => t.Kind is "bot.blocked" or "bot.challenged");

        // The verified bot really did look like a bot: high volume, thousands of sequential ids, and was left alone.
        var botProfile = host.Services.GetRequiredService<BehaviourProfileTable>().GetSnapshot(BotId)!;
        Assert.Equal(ClientClass.Verified, botProfile.ClientClass);
        Assert.True(botProfile.BurstPerSecond > 150, $"bot rate {botProfile.BurstPerSecond}");
        Assert.True(botProfile.SequentialIds > 1000, $"bot sequential {botProfile.SequentialIds}");
        Assert.Equal(BotAction.Allow, botProfile.Action);
    }

    private static bool IsBotRejection(HttpContext context)
    {
        if (context.Response.StatusCode is not (401 or 403) || context.Response.ContentType != ApiGuardProblemWriter.ContentType)
        {
            return false;
        }

        using var json = JsonDocument.Parse(context.Response.Body);
        return json.RootElement.GetProperty("type").GetString() == ApiGuardProblemTypes.ClientBlocked;
    }
}
