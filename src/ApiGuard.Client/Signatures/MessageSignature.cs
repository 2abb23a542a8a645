using System.Text;

namespace ApiGuard.Client.Signatures;

/// <summary>
/// One-shot RFC 9421 operations on a whole message: build the signature base of a labelled signature and verify it with a
/// known key. The server's authentication handler adds key resolution, policy, freshness and replay checks on top.
/// </summary>
public static class MessageSignature
{
    /// <summary>The most members accepted in a <c>Signature-Input</c> or <c>Signature</c> field.</summary>
    public const int MaxMembers = 8;

    /// <summary>The most covered components accepted in one signature.</summary>
    public const int MaxComponents = 32;

    /// <summary>Builds the signature base of the member labelled <paramref name="label"/> of <paramref name="signatureInputField"/>.</summary>
    /// <param name="message">The signed message.</param>
    /// <param name="signatureInputField">The whole <c>Signature-Input</c> field value.</param>
    /// <param name="label">The signature label.</param>
    /// <param name="signatureBase">The base (UTF-8, LF line ends, no trailing newline).</param>
    /// <param name="check">When false is returned: the failed check (a <see cref="SignatureChecks"/> name).</param>
    public static bool TryCreateSignatureBase(
        HttpMessageComponents message, string signatureInputField, string label,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? signatureBase, out string? check)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(signatureInputField);
        ArgumentNullException.ThrowIfNull(label);
        signatureBase = null;
        var members = SignatureFieldMembers.Rent();
        var member = SignatureInputMember.Rent();
        var buffer = new PooledByteBuffer(1024);
        try
        {
            if (!members.TryParse(signatureInputField, innerLists: true, MaxMembers))
            {
                check = SignatureChecks.Malformed;
                return false;
            }

            var index = members.IndexOf(label);
            if (index < 0)
            {
                check = SignatureChecks.MissingSignature;
                return false;
            }

            if (member.TryParse(signatureInputField, members.ValueStart(index), members.ValueEnd(index), MaxComponents) is not null)
            {
                check = SignatureChecks.Malformed;
                return false;
            }

            if (!SignatureBaseBuilder.TryBuild(message, member, ref buffer, out check, out _))
            {
                return false;
            }

            signatureBase = buffer.ToArray();
            return true;
        }
        finally
        {
            buffer.Dispose();
            SignatureInputMember.Return(member);
            SignatureFieldMembers.Return(members);
        }
    }

    /// <summary>
    /// Verifies the signature labelled <paramref name="label"/> with <paramref name="key"/>: parses both fields, rejects an
    /// <c>alg</c> other than the key's, builds the base and checks the signature. Freshness, policy and replay are not checked.
    /// </summary>
    /// <returns>null when the signature verifies, else the failed check (a <see cref="SignatureChecks"/> name).</returns>
    public static string? Verify(HttpMessageComponents message, string signatureInputField, string signatureField, string label, SignatureKey key)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(signatureInputField);
        ArgumentNullException.ThrowIfNull(signatureField);
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(key);
        var inputs = SignatureFieldMembers.Rent();
        var signatures = SignatureFieldMembers.Rent();
        var member = SignatureInputMember.Rent();
        var buffer = new PooledByteBuffer(1024);
        try
        {
            if (!inputs.TryParse(signatureInputField, innerLists: true, MaxMembers) || !signatures.TryParse(signatureField, innerLists: false, MaxMembers))
            {
                return SignatureChecks.Malformed;
            }

            var inputIndex = inputs.IndexOf(label);
            var signatureIndex = signatures.IndexOf(label);
            if (inputIndex < 0 || signatureIndex < 0)
            {
                return SignatureChecks.MissingSignature;
            }

            if (member.TryParse(signatureInputField, inputs.ValueStart(inputIndex), inputs.ValueEnd(inputIndex), MaxComponents) is not null)
            {
                return SignatureChecks.Malformed;
            }

            if (member.HasAlg && !member.Alg.StringEquals(member.Source, key.Algorithm))
            {
                return SignatureChecks.AlgorithmMismatch;
            }

            if (!SignatureBaseBuilder.TryBuild(message, member, ref buffer, out var check, out _))
            {
                return check;
            }

            Span<byte> signature = stackalloc byte[SignatureKey.MaxSignatureLength];
            if (!Convert.TryFromBase64Chars(signatures.ByteSequenceText(signatureIndex), signature, out var length))
            {
                return SignatureChecks.BadSignature;
            }

            return key.Verify(buffer.WrittenSpan, signature[..length]) ? null : SignatureChecks.BadSignature;
        }
        finally
        {
            buffer.Dispose();
            SignatureInputMember.Return(member);
            SignatureFieldMembers.Return(signatures);
            SignatureFieldMembers.Return(inputs);
        }
    }

    /// <summary>The signature base as text (for logs and the CLI).</summary>
    public static string ToText(ReadOnlySpan<byte> signatureBase) => Encoding.UTF8.GetString(signatureBase);
}
