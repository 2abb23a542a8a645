using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace ApiGuard.Authentication.Signatures;

/// <summary>The events of <see cref="SignatureAuthenticationHandler"/>. Assign the <c>OnXxx</c> delegates or derive and override.</summary>
public class SignatureAuthenticationEvents
{
    /// <summary>Called after the signature verified and before the principal is accepted; may reject or replace the principal.</summary>
    public Func<SignatureValidatedContext, Task> OnSignatureValidated { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Called when a check failed (see <see cref="SignatureFailedContext.Check"/>).</summary>
    public Func<SignatureFailedContext, Task> OnAuthenticationFailed { get; set; } = static _ => Task.CompletedTask;

    /// <summary>
    /// Called after the signature verified, before the nonce is reserved in the replay store. Reject it (for example when the
    /// application requires nonces it issued itself) with <see cref="SignatureNonceContext.Reject"/>. Default: accept any nonce.
    /// </summary>
    public Func<SignatureNonceContext, Task> OnValidateNonce { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Called before the 401 is written; may change <see cref="SignatureChallengeContext.AcceptSignature"/> or write its own response.</summary>
    public Func<SignatureChallengeContext, Task> OnChallenge { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnSignatureValidated"/>.</summary>
    public virtual Task SignatureValidated(SignatureValidatedContext context) => OnSignatureValidated(context);

    /// <summary>Invokes <see cref="OnAuthenticationFailed"/>.</summary>
    public virtual Task AuthenticationFailed(SignatureFailedContext context) => OnAuthenticationFailed(context);

    /// <summary>Invokes <see cref="OnValidateNonce"/>.</summary>
    public virtual Task ValidateNonce(SignatureNonceContext context) => OnValidateNonce(context);

    /// <summary>Invokes <see cref="OnChallenge"/>.</summary>
    public virtual Task Challenge(SignatureChallengeContext context) => OnChallenge(context);
}

/// <summary>The context of <see cref="SignatureAuthenticationEvents.OnSignatureValidated"/>.</summary>
public sealed class SignatureValidatedContext : ResultContext<SignatureAuthenticationOptions>
{
    /// <summary>Creates the context.</summary>
    public SignatureValidatedContext(HttpContext context, AuthenticationScheme scheme, SignatureAuthenticationOptions options, SignatureClientKey key, string label)
        : base(context, scheme, options)
    {
        Key = key;
        Label = label;
    }

    /// <summary>The key that verified the signature.</summary>
    public SignatureClientKey Key { get; }

    /// <summary>The label of the verified signature.</summary>
    public string Label { get; }
}

/// <summary>The context of <see cref="SignatureAuthenticationEvents.OnAuthenticationFailed"/>.</summary>
public sealed class SignatureFailedContext : ResultContext<SignatureAuthenticationOptions>
{
    /// <summary>Creates the context.</summary>
    public SignatureFailedContext(HttpContext context, AuthenticationScheme scheme, SignatureAuthenticationOptions options, string check, string reason)
        : base(context, scheme, options)
    {
        Check = check;
        Reason = reason;
    }

    /// <summary>The failed check (a <see cref="ApiGuard.Client.Signatures.SignatureChecks"/> name).</summary>
    public string Check { get; }

    /// <summary>A log-safe reason.</summary>
    public string Reason { get; }
}

/// <summary>The context of <see cref="SignatureAuthenticationEvents.OnValidateNonce"/>.</summary>
public sealed class SignatureNonceContext : BaseContext<SignatureAuthenticationOptions>
{
    /// <summary>Creates the context.</summary>
    public SignatureNonceContext(HttpContext context, AuthenticationScheme scheme, SignatureAuthenticationOptions options, string? nonce, SignatureClientKey key, DateTimeOffset? created)
        : base(context, scheme, options)
    {
        Nonce = nonce;
        Key = key;
        Created = created;
    }

    /// <summary>The nonce of the verified signature, or <see langword="null"/> when it has none.</summary>
    public string? Nonce { get; }

    /// <summary>The key that verified the signature.</summary>
    public SignatureClientKey Key { get; }

    /// <summary>The <c>created</c> time, if given.</summary>
    public DateTimeOffset? Created { get; }

    /// <summary>Whether the nonce was rejected.</summary>
    public bool IsRejected { get; private set; }

    /// <summary>Why it was rejected (log-safe).</summary>
    public string? RejectionReason { get; private set; }

    /// <summary>Rejects the nonce: the request fails with the <c>nonce-required</c> check.</summary>
    public void Reject(string reason)
    {
        IsRejected = true;
        RejectionReason = reason;
    }
}

/// <summary>The context of <see cref="SignatureAuthenticationEvents.OnChallenge"/>.</summary>
public sealed class SignatureChallengeContext : PropertiesContext<SignatureAuthenticationOptions>
{
    /// <summary>Creates the context.</summary>
    public SignatureChallengeContext(HttpContext context, AuthenticationScheme scheme, SignatureAuthenticationOptions options, AuthenticationProperties? properties, string check, string acceptSignature)
        : base(context, scheme, options, properties)
    {
        Check = check;
        AcceptSignature = acceptSignature;
    }

    /// <summary>The failed check (a <see cref="ApiGuard.Client.Signatures.SignatureChecks"/> name).</summary>
    public string Check { get; }

    /// <summary>The <c>Accept-Signature</c> field value that will be sent (RFC 9421 §5.1); set to null to send none.</summary>
    public string? AcceptSignature { get; set; }

    /// <summary>Whether the application wrote the response itself.</summary>
    public bool Handled { get; private set; }

    /// <summary>Skips the default 401 problem response.</summary>
    public void HandleResponse() => Handled = true;
}
