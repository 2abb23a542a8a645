using ApiGuard.Client.Signatures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds ApiGuard request signing to <see cref="System.Net.Http.HttpClient"/>s built by <c>IHttpClientFactory</c>.</summary>
public static class ApiGuardClientHttpClientBuilderExtensions
{
    /// <summary>
    /// Signs every request of this client with RFC 9421 (and RFC 9530 <c>Content-Digest</c> for bodies), re-signing once when
    /// the server answers 401 with <c>Accept-Signature</c>. Options are named after the client. A <see cref="TimeProvider"/>
    /// registered in the container is used for <c>created</c>.
    /// </summary>
    /// <exception cref="OptionsValidationException">When the first request is made without a signing key.</exception>
    public static IHttpClientBuilder AddApiGuardSigning(this IHttpClientBuilder builder, Action<SigningOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<SigningOptions>(builder.Name)
            .Configure(configure)
            .Validate(o => o.Key is { CanSign: true }, $"ApiGuard signing for HttpClient '{builder.Name}' needs SigningOptions.Key with a private part.");
        builder.AddHttpMessageHandler(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<SigningOptions>>().Get(builder.Name);
            var signer = new RequestSigner(options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<RequestSigner>>());
            return new SigningHandler(signer);
        });
        return builder;
    }
}
