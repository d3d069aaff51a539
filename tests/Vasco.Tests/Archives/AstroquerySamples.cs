// Two answers in the real formats, copied whole from astroquery 0.4.6 (Debian package python3-astroquery
// 0.4.6+dfsg-4, https://github.com/astropy/astroquery):
//   astroquery/xmatch/tests/data/query_res.csv  (CDS XMatch's CSV answer: 2MASS II/246/out, 6 uploaded positions)
//   astroquery/utils/tap/tests/data/job_1.vot    (a TAP answer, Gaia archive style, in BINARY2)
// They are used under astroquery's licence:
//
// Copyright (C) 2011-2022, Astroquery Developers. All rights reserved.
//
// Redistribution and use in source and binary forms, with or without
// modification, are permitted provided that the following conditions are met:
//
// * Redistributions of source code must retain the above copyright notice,
// this list of conditions and the following disclaimer.
//
// * Redistributions in binary form must reproduce the above copyright notice,
// this list of conditions and the following disclaimer in the documentation
// and/or other materials provided with the distribution.
//
// * Neither the name of the Astropy Team nor the names of its contributors
// may be used to endorse or promote products derived from this software
// without specific prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
// AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
// IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
// ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE
// LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
// CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
// SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
// INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
// CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
// ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
// POSSIBILITY OF SUCH DAMAGE.

namespace Vasco.Tests.Archives;

static class AstroquerySamples
{
    /// <summary>astroquery/xmatch/tests/data/query_res.csv: uploaded columns ra,dec,my_id; 11 matches of 6 positions within 5".</summary>
    public const string XmatchCsv = """
        angDist,ra,dec,my_id,2MASS,RAJ2000,DEJ2000,errHalfMaj,errHalfMin,errPosAng,Jmag,Hmag,Kmag,e_Jmag,e_Hmag,e_Kmag,Qfl,Rfl,X,MeasureJD
        1.352044,267.22029,-20.35869,1,17485281-2021323,267.220049,-20.358990,0.150,0.110,16,9.931,8.822,7.550,0.239,0.241,,EEU,226,2,2450950.8609
        1.578188,267.22029,-20.35869,1,17485288-2021328,267.220348,-20.359125,0.140,0.120,158,8.868,7.784,8.530,,,0.128,UUB,662,2,2450950.8609
        3.699368,267.22029,-20.35869,1,17485264-2021294,267.219344,-20.358171,0.130,0.120,33,9.562,8.525,9.445,,,0.119,UUB,662,2,2450950.8609
        3.822922,267.22029,-20.35869,1,17485299-2021279,267.220825,-20.357754,0.080,0.070,7,10.756,9.725,9.287,0.139,0.127,0.103,EBA,222,2,2450950.8609
        4.576677,267.22029,-20.35869,1,17485255-2021326,267.218994,-20.359064,0.140,0.130,87,10.431,9.348,7.926,0.159,0.316,,CEU,226,2,2450950.8609
        0.219609,274.83971,-25.42714,2,18192154-2525377,274.839773,-25.427162,0.060,0.060,90,9.368,8.431,7.919,0.024,0.044,0.036,AAA,211,0,2451407.5033
        1.633225,275.92229,-30.36572,3,18234133-3021582,275.922233,-30.366171,0.080,0.080,55,12.947,12.334,12.145,0.156,0.221,0.127,EEE,222,2,2451021.7212
        0.536998,283.26621,-8.70756,4,18530390-0842276,283.266284,-8.707690,0.060,0.060,45,12.182,11.534,11.380,0.057,0.071,0.063,AAA,222,0,2451301.7945
        1.178542,306.01575,33.86756,5,20240382+3352021,306.015944,+33.867275,0.060,0.060,90,13.575,12.684,12.321,0.025,0.027,0.026,AAA,222,0,2450948.9708
        0.853178,322.493,12.16703,6,21295836+1210007,322.493171,+12.166862,0.100,0.080,179,9.798,9.339,9.176,0.109,0.150,0.100,EEA,222,0,2451080.6935
        4.503950,322.493,12.16703,6,21295861+1210023,322.494242,+12.167332,0.100,0.080,1,10.057,9.720,9.483,0.077,0.136,0.088,EEE,222,0,2451080.6935

        """;

    /// <summary>astroquery/utils/tap/tests/data/job_1.vot: QUERY_STATUS OK; ra, dec (double), source_id (char*), table1_oid (int) in BINARY2; rows (1, 2, a, 1), (3, 4, b, 2), (5, 6, c, 3).</summary>
    public const string TapBinary2 = """
        <VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
        <RESOURCE type="results">
        <INFO name="QUERY_STATUS" value="OK"/>
        <INFO name="ADQL_QUERY" value="select * from user_test.table_test_update" />
        <INFO name="CAPTION" value="If you use public Gaia DR1 data in your paper, please take note of our guide on how to acknowledge and cite Gaia DR1: http://gaia.esac.esa.int/documentation/GDR1/Miscellaneous/sec_credit_and_citation_instructions.html" />
        <TABLE>
        <FIELD datatype="double" name="ra">
        <DESCRIPTION>ra</DESCRIPTION>
        </FIELD>
        <FIELD datatype="double" name="dec">
        <DESCRIPTION>dec</DESCRIPTION>
        </FIELD>
        <FIELD arraysize="*" datatype="char" name="source_id">
        <DESCRIPTION>source_id</DESCRIPTION>
        </FIELD>
        <FIELD datatype="int" name="table1_oid">
        <DESCRIPTION>table1_oid</DESCRIPTION>
        </FIELD>
        <DATA>
        <BINARY2>
        <STREAM encoding='base64'>
        AD/wAAAAAAAAQAAAAAAAAAAAAAABYQAAAAEAQAgAAAAAAABAEAAAAAAAAAAAAAFi
        AAAAAgBAFAAAAAAAAEAYAAAAAAAAAAAAAWMAAAAD
        </STREAM>
        </BINARY2>
        </DATA>
        </TABLE>
        </RESOURCE>
        </VOTABLE>

        """;
}
