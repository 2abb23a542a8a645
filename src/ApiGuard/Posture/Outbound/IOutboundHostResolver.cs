using System.Net;

namespace ApiGuard.Posture.Outbound;

/// <summary>Resolves host names for the outbound guard. The default uses <see cref="Dns"/>; tests and custom DNS setups replace it.</summary>
public interface IOutboundHostResolver
{
    /// <summary>The addresses of <paramref name="host"/>; every one of them is checked before any connect.</summary>
    ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>Resolves through the operating system's resolver.</summary>
internal sealed class DnsOutboundHostResolver : IOutboundHostResolver
{
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
}
