using System.Buffers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ApiGuard.Client.Signatures;
using ApiGuard.Identity;
using ApiGuard.Monitoring;
using ApiGuard.Problems;
using ApiGuard.Replay;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGuard.Authentication.Signatures;

/// <summary>
/// Authenticates requests signed with RFC 9421 HTTP Message Signatures: strict RFC 8941 parsing of <c>Signature-Input</c>
/// and <c>Signature</c>, the endpoint's <see cref="SignaturePolicy"/>, freshness (<c>created</c>, <c>expires</c>, clock skew),
/// key lookup by <c>keyid</c> with the algorithm pinned by the key, the signature, RFC 9530 <c>Content-Digest</c> over the
/// streamed body, and replay protection (the nonce, or the signature value, is reserved only after the signature verifies).
/// Failures answer 401 with a problem naming the failed <c>check</c> and an <c>Accept-Signature</c> field.
/// </summary>
internal sealed class SignatureAuthenticationHandler : AuthenticationHandler<SignatureAuthenticationOptions>
{
    private const string SignatureInputHeader = "Signature-Input";
    private const string SignatureHeader = "Signature";
    private static ParsedOrigin? s_origin;
    private readonly ISignatureKeyResolver _keys;
    private readonly IReplayStore _replay;
    private readonly SignatureMetrics _metrics;

    /// <summary>Creates the handler.</summary>
    public SignatureAuthenticationHandler(
        IOptionsMonitor<SignatureAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder,
        ISignatureKeyResolver keys, IReplayStore replay, SignatureMetrics metrics)
        : base(options, logger, encoder)
    {
        _keys = keys;
        _replay = replay;
        _metrics = metrics;
    }

    /// <summary>The events (see <see cref="SignatureAuthenticationEvents"/>).</summary>
    private new SignatureAuthenticationEvents Events
    {
        get => (SignatureAuthenticationEvents)base.Events!;
        set => base.Events = value;
    }

    /// <inheritdoc />
    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new SignatureAuthenticationEvents());

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var modeResolver = Context.RequestServices.GetService<ApiGuardModeResolver>();
        if (modeResolver?.IsDisabled(Context, ApiGuardCapabilities.Signatures) == true)
        {
            return AuthenticateResult.NoResult();
        }

        var headers = Request.Headers;
        var inputField = headers[SignatureInputHeader];
        var signatureField = headers[SignatureHeader];
        if (inputField.Count == 0 && signatureField.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var started = TimeProvider.GetTimestamp();
        var outcome = await VerifyAsync(inputField.ToString(), signatureField.ToString()).ConfigureAwait(false);
        var elapsed = TimeProvider.GetElapsedTime(started);
        if (outcome.Check is null)
        {
            _metrics.Verified("success", null, outcome.Key!.Key.Algorithm, elapsed);
            return await SucceedAsync(outcome.Key!, outcome.Label!).ConfigureAwait(false);
        }

        _metrics.Verified("failure", outcome.Check, outcome.Key?.Key.Algorithm, elapsed);
        return await FailAsync(outcome.Check, outcome.Reason!, modeResolver).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Features.Get<SignatureFailureFeature>();
        var check = failure?.Check ?? SignatureChecks.MissingSignature;
        if (failure is null)
        {
            Publish(check, "The request has no signature.", SecurityAction.Blocked);
            SignatureLog.Failed(Logger, check, "The request has no signature.");
        }

        var policy = ResolvePolicy();
        var context = new SignatureChallengeContext(Context, Scheme, Options, properties, check, BuildAcceptSignature(policy));
        await Events.Challenge(context).ConfigureAwait(false);
        if (context.Handled || Response.HasStarted)
        {
            return;
        }

        if (check == SignatureChecks.StoreUnavailable)
        {
            await ApiGuardProblemWriter.WriteAsync(Context, new ApiGuardProblem(
                ApiGuardProblemTypes.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The replay store is unavailable, so the signed request cannot be checked. Retry later.")
            {
                Extensions = [new("check", check)],
            }).ConfigureAwait(false);
            return;
        }

        if (context.AcceptSignature is { } accept)
        {
            Response.Headers["Accept-Signature"] = accept;
        }

        await ApiGuardProblemWriter.WriteAsync(Context, new ApiGuardProblem(
            ApiGuardProblemTypes.SignatureInvalid, StatusCodes.Status401Unauthorized, "Signature invalid", Describe(check))
        {
            Extensions = [new("check", check)],
        }).ConfigureAwait(false);
    }

    private async Task<Outcome> VerifyAsync(string inputField, string signatureField)
    {
        if (inputField.Length > Options.MaxFieldLength || signatureField.Length > Options.MaxFieldLength)
        {
            return Outcome.Fail(SignatureChecks.Malformed, "A signature field is longer than allowed.");
        }

        if (inputField.Length == 0 || signatureField.Length == 0)
        {
            return Outcome.Fail(SignatureChecks.MissingSignature, "Signature-Input and Signature must both be present.");
        }

        var policy = ResolvePolicy();
        var inputs = SignatureFieldMembers.Rent();
        var signatures = SignatureFieldMembers.Rent();
        var member = SignatureInputMember.Rent();
        try
        {
            if (!inputs.TryParse(inputField, innerLists: true, MessageSignature.MaxMembers))
            {
                return Outcome.Fail(SignatureChecks.Malformed, "Signature-Input is not a valid structured-field Dictionary of inner lists.");
            }

            if (!signatures.TryParse(signatureField, innerLists: false, MessageSignature.MaxMembers))
            {
                return Outcome.Fail(SignatureChecks.Malformed, "Signature is not a valid structured-field Dictionary of byte sequences.");
            }

            var selected = SelectMember(inputs, signatures, member, policy, out var signatureIndex, out var failure);
            if (failure is not null)
            {
                return failure.Value;
            }

            var label = inputs.Label(selected).ToString();
            if (CheckParameters(member, policy) is { } parameterFailure)
            {
                return parameterFailure;
            }

            var keyId = member.KeyId.GetString(member.Source);
            var key = await _keys.ResolveAsync(keyId, Context.RequestAborted).ConfigureAwait(false);
            var now = TimeProvider.GetUtcNow();
            if (key is null || (key.NotBefore is { } nbf && now < nbf) || (key.NotAfter is { } naf && now > naf))
            {
                return Outcome.Fail(SignatureChecks.UnknownKey, "The keyid is not known or not active.");
            }

            if (member.HasAlg && !member.Alg.StringEquals(member.Source, key.Key.Algorithm))
            {
                return Outcome.Fail(SignatureChecks.AlgorithmMismatch, "The alg parameter does not match the algorithm the key is pinned to.", key);
            }

            if (VerifySignature(member, signatures, signatureIndex, key, label) is { } signatureFailure)
            {
                return signatureFailure;
            }

            if (Covers(member, "content-digest") && await VerifyDigestAsync().ConfigureAwait(false) is { } digestFailure)
            {
                return digestFailure with { Key = key };
            }

            string? nonce = member.HasNonce ? member.Nonce.GetString(member.Source) : null;
            DateTimeOffset? created = member.Created is { } c ? DateTimeOffset.FromUnixTimeSeconds(c) : null;
            var nonceContext = new SignatureNonceContext(Context, Scheme, Options, nonce, key, created);
            await Events.ValidateNonce(nonceContext).ConfigureAwait(false);
            if (nonceContext.IsRejected)
            {
                return Outcome.Fail(SignatureChecks.NonceRequired, nonceContext.RejectionReason ?? "The nonce was rejected.", key);
            }

            var replayKey = string.Concat(keyId, " ", nonce ?? signatures.ByteSequenceText(signatureIndex));
            try
            {
                if (!await _replay.TryReserveAsync(SignatureAuthenticationDefaults.ReplayScope, replayKey, ReplayTtl(member, policy, now), Context.RequestAborted).ConfigureAwait(false))
                {
                    return Outcome.Fail(SignatureChecks.Replay, nonce is null ? "This signature was already used." : "This nonce was already used.", key);
                }
            }
            catch (ApiGuardStoreUnavailableException ex)
            {
                SignatureLog.StoreUnavailable(Logger, ex);
                return Outcome.Fail(SignatureChecks.StoreUnavailable, "The replay store is unavailable.", key);
            }

            return new Outcome(null, null, key, label);
        }
        finally
        {
            SignatureInputMember.Return(member);
            SignatureFieldMembers.Return(signatures);
            SignatureFieldMembers.Return(inputs);
        }
    }

    private int SelectMember(SignatureFieldMembers inputs, SignatureFieldMembers signatures, SignatureInputMember member, SignaturePolicy policy, out int signatureIndex, out Outcome? failure)
    {
        Outcome? best = null;
        var hasBody = Context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? (Request.ContentLength > 0);
        var hasContentType = Request.Headers.ContentType.Count > 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var label = inputs.Label(i);
            if (Options.Label is { } wanted && !label.SequenceEqual(wanted))
            {
                continue;
            }

            signatureIndex = signatures.IndexOf(label);
            if (signatureIndex < 0)
            {
                best ??= Outcome.Fail(SignatureChecks.MissingSignature, "A Signature-Input label has no Signature member.");
                continue;
            }

            if (member.TryParse(inputs.Source, inputs.ValueStart(i), inputs.ValueEnd(i), MessageSignature.MaxComponents) is { } error)
            {
                best = Outcome.Fail(SignatureChecks.Malformed, error);
                continue;
            }

            if (MissingCoverage(member, policy, hasBody, hasContentType) is { } missing)
            {
                if (best is null || best.Value.Check == SignatureChecks.MissingSignature)
                {
                    best = Outcome.Fail(SignatureChecks.MissingComponent, "The signature does not cover " + missing + ".");
                }

                continue;
            }

            failure = null;
            return i;
        }

        signatureIndex = -1;
        failure = best ?? Outcome.Fail(SignatureChecks.MissingSignature, Options.Label is null ? "No signature label is usable." : "The configured signature label is absent.");
        return -1;
    }

    private static string? MissingCoverage(SignatureInputMember member, SignaturePolicy policy, bool hasBody, bool hasContentType)
    {
        if (policy.RequireMethod && !Covers(member, "@method"))
        {
            return "@method";
        }

        if (policy.RequireTarget && !Covers(member, "@target-uri") && !(Covers(member, "@authority") && Covers(member, "@path") && Covers(member, "@query")))
        {
            return "@target-uri (or @authority, @path and @query)";
        }

        if (hasBody && policy.RequireContentDigest && !Covers(member, "content-digest"))
        {
            return "content-digest";
        }

        if (hasContentType && policy.RequireContentType && !Covers(member, "content-type"))
        {
            return "content-type";
        }

        foreach (var required in policy.RequiredComponents)
        {
            if (!Covers(member, required))
            {
                return required;
            }
        }

        return null;
    }

    private static bool Covers(SignatureInputMember member, string name)
    {
        foreach (ref readonly var component in member.Components)
        {
            if ((component.Flags & (ComponentFlags.Req | ComponentFlags.Tr)) == 0 && member.ComponentName(component).SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    private Outcome? CheckParameters(SignatureInputMember member, SignaturePolicy policy)
    {
        if (!member.HasKeyId)
        {
            return Outcome.Fail(SignatureChecks.UnknownKey, "The signature has no keyid.");
        }

        var now = TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)Options.ClockSkew.TotalSeconds;
        var maxAge = (long)(policy.MaxAge ?? Options.MaxAge).TotalSeconds;
        if (member.Created is null && Options.RequireCreated)
        {
            return Outcome.Fail(SignatureChecks.Expired, "The signature has no created parameter, so its age cannot be checked.");
        }

        if (member.Created is { } created)
        {
            if (created > now + skew)
            {
                return Outcome.Fail(SignatureChecks.CreatedInFuture, "The created parameter is in the future beyond the allowed clock skew.");
            }

            if (now - created > maxAge + skew)
            {
                return Outcome.Fail(SignatureChecks.Expired, "The signature is older than the maximum age.");
            }
        }

        if (member.Expires is { } expires && now > expires + skew)
        {
            return Outcome.Fail(SignatureChecks.Expired, "The signature is past its expires time.");
        }

        if (!member.HasNonce && (policy.RequireNonce || (policy.RequireNonceForUnsafeMethods && !IsIdempotent(Request.Method))))
        {
            return Outcome.Fail(SignatureChecks.NonceRequired, "A nonce is required for this request.");
        }

        if (policy.Tag is { } tag && !(member.HasTag && member.Tag.StringEquals(member.Source, tag)))
        {
            return Outcome.Fail(SignatureChecks.MissingComponent, "The signature does not carry the required tag.");
        }

        return null;
    }

    private Outcome? VerifySignature(SignatureInputMember member, SignatureFieldMembers signatures, int signatureIndex, SignatureClientKey key, string label)
    {
        var origin = PublicOrigin();
        var message = new AspNetCoreRequestComponents(Context, origin.Scheme, origin.Authority);
        var buffer = new PooledByteBuffer(1024);
        byte[]? signature = null;
        try
        {
            if (!SignatureBaseBuilder.TryBuild(message, member, ref buffer, out var check, out var reason))
            {
                return Outcome.Fail(check!, reason!, key);
            }

            if (Logger.IsEnabled(LogLevel.Debug))
            {
                SignatureLog.Base(Logger, label, MessageSignature.ToText(buffer.WrittenSpan));
            }

            var text = signatures.ByteSequenceText(signatureIndex);
            signature = ArrayPool<byte>.Shared.Rent(SignatureKey.MaxSignatureLength);
            if (!Convert.TryFromBase64Chars(text, signature, out var length))
            {
                return Outcome.Fail(SignatureChecks.BadSignature, "The signature value is longer than any supported algorithm makes.", key);
            }

            return key.Key.Verify(buffer.WrittenSpan, signature.AsSpan(0, length))
                ? null
                : Outcome.Fail(SignatureChecks.BadSignature, "The signature does not verify over the signature base.", key);
        }
        finally
        {
            buffer.Dispose();
            if (signature is not null)
            {
                ArrayPool<byte>.Shared.Return(signature);
            }
        }
    }

    private async Task<Outcome?> VerifyDigestAsync()
    {
        var field = Request.Headers[ContentDigest.FieldName].ToString();
        using var verifier = ContentDigestVerifier.TryCreate(field);
        if (verifier is null)
        {
            return Outcome.Fail(SignatureChecks.DigestMismatch, "Content-Digest has no valid sha-256 or sha-512 member.");
        }

        if (Request.ContentLength > Options.MaxDigestBodyBytes)
        {
            return Outcome.Fail(SignatureChecks.DigestMismatch, "The body is larger than the digest limit.");
        }

        Request.EnableBuffering();
        var body = Request.Body;
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(), Context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > Options.MaxDigestBodyBytes)
                {
                    return Outcome.Fail(SignatureChecks.DigestMismatch, "The body is larger than the digest limit.");
                }

                verifier.Append(chunk.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            body.Position = 0;
        }

        return verifier.Verify() ? null : Outcome.Fail(SignatureChecks.DigestMismatch, "Content-Digest does not match the body.");
    }

    private TimeSpan ReplayTtl(SignatureInputMember member, SignaturePolicy policy, DateTimeOffset now)
    {
        var nowSeconds = now.ToUnixTimeSeconds();
        var skew = (long)Options.ClockSkew.TotalSeconds;
        var maxAge = (long)(policy.MaxAge ?? Options.MaxAge).TotalSeconds;
        var until = (member.Created ?? nowSeconds) + maxAge + skew;
        if (member.Expires is { } expires)
        {
            until = Math.Min(until, expires + skew);
        }

        return TimeSpan.FromSeconds(Math.Max(1, until - nowSeconds + 1));
    }

    private async Task<AuthenticateResult> SucceedAsync(SignatureClientKey key, string label)
    {
        var claims = new List<Claim>(4 + key.Scopes.Count)
        {
            new(DefaultClientIdentityResolver.ClientIdClaimType, key.ClientId, ClaimValueTypes.String, ClaimsIssuer),
            new(ClaimTypes.NameIdentifier, key.ClientId, ClaimValueTypes.String, ClaimsIssuer),
            new(ClaimTypes.Name, key.ClientId, ClaimValueTypes.String, ClaimsIssuer),
            new(SignatureAuthenticationDefaults.KeyIdClaimType, key.Key.KeyId, ClaimValueTypes.String, ClaimsIssuer),
        };
        foreach (var scope in key.Scopes)
        {
            claims.Add(new Claim(SignatureAuthenticationDefaults.ScopeClaimType, scope, ClaimValueTypes.String, ClaimsIssuer));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        var context = new SignatureValidatedContext(Context, Scheme, Options, key, label) { Principal = principal };
        await Events.SignatureValidated(context).ConfigureAwait(false);
        if (context.Result is { } result)
        {
            return result;
        }

        SignatureLog.Verified(Logger, label, key.Key.KeyId, key.ClientId);
        context.Success();
        return context.Result!;
    }

    private async Task<AuthenticateResult> FailAsync(string check, string reason, ApiGuardModeResolver? modeResolver)
    {
        var mode = modeResolver?.Resolve(Context, ApiGuardCapabilities.Signatures, Options.Mode) ?? Options.Mode ?? ApiGuardMode.Enforce;
        SignatureLog.Failed(Logger, check, reason);
        Context.Features.Set(new SignatureFailureFeature(check, reason));
        var failed = new SignatureFailedContext(Context, Scheme, Options, check, reason);
        await Events.AuthenticationFailed(failed).ConfigureAwait(false);
        if (mode == ApiGuardMode.DetectOnly)
        {
            SignatureLog.WouldBlock(Logger, check);
            Publish(check, reason, SecurityAction.WouldBlock);
            return AuthenticateResult.NoResult();
        }

        Publish(check, reason, SecurityAction.Blocked);
        return failed.Result ?? AuthenticateResult.Fail("Signature check failed: " + check);
    }

    private void Publish(string check, string reason, SecurityAction action)
    {
        var publisher = Context.RequestServices.GetService<ISecurityEventPublisher>();
        publisher?.Publish(
            new SecurityEvent
            {
                Capability = ApiGuardCapabilities.Signatures,
                Kind = "authentication.failed",
                Severity = check is SignatureChecks.BadSignature or SignatureChecks.Replay or SignatureChecks.DigestMismatch ? SecuritySeverity.High : SecuritySeverity.Medium,
                Action = action,
                RuleId = check,
                Reason = reason,
            },
            Context);
    }

    private SignaturePolicy ResolvePolicy()
    {
        var metadata = Context.GetEndpoint()?.Metadata.GetMetadata<ISignaturePolicyMetadata>();
        if (metadata?.Policy is { } inline)
        {
            return inline;
        }

        if (metadata?.PolicyName is { } name && Options.Policies.TryGetValue(name, out var named))
        {
            return named;
        }

        return Options.DefaultPolicy;
    }

    private string BuildAcceptSignature(SignaturePolicy policy)
    {
        var components = new List<string>(8);
        if (policy.RequireMethod)
        {
            components.Add("@method");
        }

        if (policy.RequireTarget)
        {
            components.Add("@target-uri");
        }

        var hasBody = Context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? (Request.ContentLength > 0);
        if (hasBody && policy.RequireContentDigest)
        {
            components.Add("content-digest");
        }

        if (Request.Headers.ContentType.Count > 0 && policy.RequireContentType)
        {
            components.Add("content-type");
        }

        foreach (var required in policy.RequiredComponents)
        {
            if (!components.Contains(required))
            {
                components.Add(required);
            }
        }

        var value = new System.Text.StringBuilder("sig1=(");
        for (var i = 0; i < components.Count; i++)
        {
            value.Append(i > 0 ? " \"" : "\"").Append(components[i]).Append('"');
        }

        value.Append(')');
        if (Options.RequireCreated)
        {
            value.Append(";created");
        }

        if (policy.RequireNonce || (policy.RequireNonceForUnsafeMethods && !IsIdempotent(Request.Method)))
        {
            value.Append(";nonce");
        }

        if (policy.Tag is { } tag)
        {
            value.Append(";tag=\"").Append(tag.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        }

        return value.ToString();
    }

    private (string? Scheme, string? Authority) PublicOrigin()
    {
        var origin = Context.RequestServices.GetService<IOptionsMonitor<ApiGuardOptions>>()?.CurrentValue.PublicOrigin;
        if (string.IsNullOrEmpty(origin))
        {
            return (null, null);
        }

        var cached = s_origin;
        if (cached is not null && ReferenceEquals(cached.Source, origin))
        {
            return (cached.Scheme, cached.Authority);
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return (null, null);
        }

        cached = new ParsedOrigin(origin, uri.Scheme, uri.IsDefaultPort ? uri.Host : string.Concat(uri.Host, ":", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        s_origin = cached;
        return (cached.Scheme, cached.Authority);
    }

    private sealed record ParsedOrigin(string Source, string Scheme, string Authority);

    private static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method) ||
        HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    private static string Describe(string check) => check switch
    {
        SignatureChecks.MissingSignature => "The request must carry an HTTP message signature (RFC 9421); see Accept-Signature for what to sign.",
        SignatureChecks.Malformed => "The Signature-Input or Signature field, or a covered component, is malformed.",
        SignatureChecks.UnknownKey => "The signature's keyid is not known or not active.",
        SignatureChecks.AlgorithmMismatch => "The signature's alg parameter does not match its key's algorithm.",
        SignatureChecks.Expired => "The signature has expired or is older than allowed.",
        SignatureChecks.CreatedInFuture => "The signature's created time is in the future.",
        SignatureChecks.MissingComponent => "The signature does not cover every required component, or a covered component is absent.",
        SignatureChecks.NonceRequired => "The signature needs an acceptable nonce.",
        SignatureChecks.DigestMismatch => "Content-Digest does not match the request body.",
        SignatureChecks.BadSignature => "The signature does not verify.",
        SignatureChecks.Replay => "The signature or nonce was already used.",
        _ => "The signature was not accepted.",
    };

    private readonly record struct Outcome(string? Check, string? Reason, SignatureClientKey? Key, string? Label)
    {
        public static Outcome Fail(string check, string reason, SignatureClientKey? key = null) => new(check, reason, key, null);
    }
}

/// <summary>Why signature authentication failed on this request (read by the challenge).</summary>
internal sealed class SignatureFailureFeature(string check, string reason)
{
    public string Check { get; } = check;

    public string Reason { get; } = reason;
}
