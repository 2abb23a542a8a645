using System.Net;

namespace ApiGuard.Client.Signatures;

/// <summary>
/// A <see cref="DelegatingHandler"/> that signs every request with a <see cref="RequestSigner"/>. When the server answers
/// 401 with <c>Accept-Signature</c> (RFC 9421 §5), the request is signed again once, covering what the server asked for.
/// Wire it with <c>services.AddHttpClient(...).AddApiGuardSigning(...)</c>.
/// </summary>
public sealed class SigningHandler : DelegatingHandler
{
    private readonly RequestSigner _signer;

    /// <summary>Creates the handler.</summary>
    public SigningHandler(RequestSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        _signer = signer;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await _signer.SignAsync(request, null, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized ||
            !response.Headers.TryGetValues("Accept-Signature", out var values) ||
            AcceptSignatureRequest.TryParse(string.Join(", ", values)) is not { } asked)
        {
            return response;
        }

        _signer.LogResigning(asked.Label);
        try
        {
            await _signer.SignAsync(request, asked, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // The server asked for something this request cannot cover (an absent field): keep its 401.
            return response;
        }

        response.Dispose();
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
